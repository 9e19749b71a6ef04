// DNSControl configuration for Northwind's event-site domain.
var REG_NONE = NewRegistrar("none");
var DNS_BIND = NewDnsProvider("bind");

D("northwind-events.example", REG_NONE, DnsProvider(DNS_BIND),
  TXT("@", "v=spf1 include:_spf.google.com include:servers.mcsv.net -all"),
  // Deliberate mistake: DMARC_BUILDER's `percent` becomes `pct`, removed in RFC 9989.
  DMARC_BUILDER({
    policy: "quarantine",
    percent: 50,
    rua: ["mailto:dmarc-reports@northwind.example"],
  }),
END);
