/**
 * Sender-profile rules (the `domains.<domain>.senders` of `.dmarc-lens.json`), reported by
 * server/src/senders/analyze.ts at the sender's entry in the config file. Their examples are config
 * files checked in a workspace that holds the zone.
 */
import type { SourceRule } from './rule';

const ZONE = (extra: string, dmarc = '') => ({
  file: 'example.com.zone',
  text: `$ORIGIN example.com.\n@ IN SOA ns1 hostmaster 1 7200 900 1209600 300\n@ IN TXT "v=spf1 include:_spf.google.com -all"\n_dmarc IN TXT "v=DMARC1; p=none; rua=mailto:dmarc@example.com${dmarc}"\n${extra}`,
});

const REPORT = (dkim: string, spf: string) =>
  `<?xml version="1.0"?>\n<feedback><report_metadata><org_name>receiver.example</org_name><report_id>1</report_id><date_range><begin>1767225600</begin><end>1767311999</end></date_range></report_metadata>\n<policy_published><domain>example.com</domain><p>none</p></policy_published>\n<record><row><source_ip>192.0.2.7</source_ip><count>240</count><policy_evaluated><disposition>none</disposition><dkim>${dkim}</dkim><spf>${spf}</spf></policy_evaluated></row><identifiers><header_from>example.com</header_from></identifiers><auth_results><dkim><domain>sendgrid.net</domain><result>pass</result></dkim><spf><domain>sendgrid.net</domain><result>pass</result></spf></auth_results></record></feedback>\n`;

function rule(r: Omit<SourceRule, 'scope' | 'kind' | 'fixable'> & { fixable?: boolean }): SourceRule {
  return { fixable: false, ...r, kind: 'sender', scope: 'source' };
}

const cfg = (senders: string) => `{\n  "domains": {\n    "example.com": {\n      "senders": [\n        ${senders}\n      ]\n    }\n  }\n}\n`;

export const senderRules: SourceRule[] = [
  rule({
    id: 'sender/will-fail-dmarc',
    severity: 'warning',
    fixable: true,
    summary: 'A declared sender will fail DMARC: neither SPF nor DKIM aligns',
    docs: {
      what: 'For each sender declared in `.dmarc-lens.json`, checks whether its mail can pass DMARC: SPF through a Return-Path that aligns with the From domain and authorises the platform, or DKIM through a key published under the From domain. Fires when neither does, and names the records to publish. An error while the policy is enforced (quarantine/reject without t=y), a warning while it is p=none or in test mode.',
      why: 'RFC 9989 §4.4: DMARC passes only when SPF or DKIM passes *aligned* with the RFC5322.From domain. A CRM or marketing platform that uses its own Return-Path and signs with its own domain passes SPF and DKIM and still fails DMARC; once the policy leaves p=none its mail is quarantined or rejected.',
      file: '.dmarc-lens.json',
      bad: cfg('{ "provider": "mailchimp", "from": "example.com" }'),
      good: cfg('{ "provider": "mailchimp", "from": "example.com" }'),
      workspace: ZONE(''),
      goodWorkspace: ZONE('k2._domainkey IN CNAME dkim2.mcsv.net.\nk3._domainkey IN CNAME dkim3.mcsv.net.\n'),
      fix: 'Publish the records the message lists (usually the platform\'s DKIM CNAMEs; a custom Return-Path where the platform offers one). The values in `<…>` come from the platform\'s domain set-up page.',
    },
  }),
  rule({
    id: 'sender/no-dmarc-record',
    severity: 'warning',
    summary: 'No DMARC record covers a sender\'s From domain',
    docs: {
      what: 'Walks from the sender\'s From domain up to the Organizational Domain (RFC 9989 §4.10) looking for a `_dmarc` record in the workspace. A CNAME there (hosted DMARC: the policy is the vendor\'s, at the target) is noted as information, since its policy cannot be read from the files.',
      why: 'Without a DMARC record receivers apply no policy and send no aggregate reports, so nobody learns whether this sender\'s mail passes (RFC 9989 §4.10, §5).',
      file: '.dmarc-lens.json',
      bad: `{ "domains": { "example.org": { "senders": [ { "provider": "sendgrid", "from": "example.org" } ] } } }\n`,
      good: `{ "domains": { "example.org": { "senders": [ { "provider": "sendgrid", "from": "example.org" } ] } } }\n`,
      workspace: { file: 'example.org.zone', text: '$ORIGIN example.org.\n@ IN SOA ns1 hostmaster 1 7200 900 1209600 300\n@ IN TXT "v=spf1 include:sendgrid.net -all"\n' },
      goodWorkspace: { file: 'example.org.zone', text: '$ORIGIN example.org.\n@ IN SOA ns1 hostmaster 1 7200 900 1209600 300\n@ IN TXT "v=spf1 include:sendgrid.net -all"\n_dmarc IN TXT "v=DMARC1; p=none; rua=mailto:dmarc@example.org"\n' },
      fix: 'Publish `_dmarc.<organizational domain> TXT "v=DMARC1; p=none; rua=mailto:…"` (a subdomain is covered by its parent\'s `sp`/`np`).',
    },
  }),
  rule({
    id: 'sender/return-path-not-set-up',
    severity: 'warning',
    summary: 'A declared Return-Path host is not set up for its platform',
    docs: {
      what: 'Checks the `returnPath` of a sender: a CNAME to the platform\'s bounce target (SendGrid `em…` → `…sendgrid.net`, Postmark `pm-bounces` → `pm.mtasv.net`), or an SPF record that authorises it.',
      why: 'RFC 9989 §4.4.2: SPF aligns through the RFC5321.MailFrom domain. A Return-Path host that is missing or points elsewhere gives SPF fail or none for the platform\'s mail.',
      file: '.dmarc-lens.json',
      bad: cfg('{ "provider": "postmark", "from": "example.com", "returnPath": "pm-bounces.example.com" }'),
      good: cfg('{ "provider": "postmark", "from": "example.com", "returnPath": "pm-bounces.example.com" }'),
      workspace: ZONE(''),
      goodWorkspace: ZONE('pm-bounces IN CNAME pm.mtasv.net.\n'),
      fix: 'Publish the record the message names on the Return-Path host (for Postmark: `pm-bounces CNAME pm.mtasv.net.`).',
    },
  }),
  rule({
    id: 'sender/dkim-selector-missing',
    severity: 'warning',
    summary: 'A declared DKIM selector has no usable key',
    docs: {
      what: 'Checks each of a sender\'s `dkimSelectors` at `<selector>._domainkey.<domain>`: a TXT key that decodes, or a CNAME to the platform\'s DKIM host.',
      why: 'RFC 6376 §3.6.2: a verifier fetches the key at `<s>._domainkey.<d>`; without it the signature fails and DKIM cannot carry DMARC (RFC 9989 §4.4.1).',
      file: '.dmarc-lens.json',
      bad: cfg('{ "provider": "hubspot", "from": "example.com", "dkimSelectors": ["hs1-123", "hs2-123"] }'),
      good: cfg('{ "provider": "hubspot", "from": "example.com", "dkimSelectors": ["hs1-123", "hs2-123"] }'),
      workspace: ZONE(''),
      goodWorkspace: ZONE('hs1-123._domainkey IN CNAME example-com.hs01a.dkim.hubspotemail.net.\nhs2-123._domainkey IN CNAME example-com.hs01b.dkim.hubspotemail.net.\n'),
      fix: 'Publish the CNAMEs or keys the platform shows for these selectors, or correct the selector names.',
    },
  }),
  rule({
    id: 'sender/failing-in-reports',
    severity: 'warning',
    summary: 'The aggregate reports show a declared sender failing DMARC',
    docs: {
      what: 'Matches the rows of the workspace\'s aggregate reports to each declared sender (by the platform\'s DKIM and envelope domains, the declared selectors and Return-Path, or the custom sender\'s addresses) and names the volume that failed DMARC although the records in the workspace align.',
      why: 'The reports are what receivers actually saw (RFC 9990). Records that align on paper but fail in the reports usually mean the platform is not using them yet (domain not verified, old selector, wrong sending domain).',
      file: '.dmarc-lens.json',
      bad: cfg('{ "provider": "sendgrid", "from": "example.com" }'),
      good: cfg('{ "provider": "sendgrid", "from": "example.com" }'),
      workspace: ZONE('s1._domainkey IN CNAME s1.domainkey.u1234.wl001.sendgrid.net.\ns2._domainkey IN CNAME s2.domainkey.u1234.wl001.sendgrid.net.\n'),
      report: REPORT('fail', 'fail'),
      goodReport: REPORT('pass', 'fail'),
      fix: 'Check the platform\'s domain settings (verify the domain, switch it to the new selectors or Return-Path), then watch the next reports.',
    },
  }),
  rule({
    id: 'sender/strict-alignment',
    severity: 'warning',
    summary: 'aspf=s with a Return-Path on a subdomain: SPF never aligns',
    docs: {
      what: 'Finds senders whose Return-Path is a subdomain of the From domain (SendGrid `em…`, SES custom MAIL FROM, Postmark `pm-bounces`) while the DMARC record asks for strict SPF alignment.',
      why: 'RFC 9989 §4.4.2: under `aspf=s` the MailFrom domain must equal the From domain exactly; the delegated bounce subdomains every platform uses only align under relaxed alignment (the default).',
      file: '.dmarc-lens.json',
      bad: cfg('{ "provider": "sendgrid", "from": "example.com", "returnPath": "em1234.example.com" }'),
      good: cfg('{ "provider": "sendgrid", "from": "example.com", "returnPath": "em1234.example.com" }'),
      workspace: ZONE('em1234 IN CNAME u1234.wl001.sendgrid.net.\n', '; aspf=s'),
      goodWorkspace: ZONE('em1234 IN CNAME u1234.wl001.sendgrid.net.\n'),
      fix: 'Remove `aspf=s` (relaxed is the default) or make sure the sender aligns through DKIM.',
    },
  }),
];
