/**
 * Zone-file rules. The zone reader (sources/zonefile.ts) finds these while reading; the registry
 * holds their metadata and docs so that they are configured and documented like every other rule.
 */
import type { SourceRule } from './rule';

function rule(r: Omit<SourceRule, 'kind' | 'scope' | 'fixable'> & { fixable?: boolean }): SourceRule {
  return { fixable: false, ...r, kind: 'zone', scope: 'source' };
}

/** Rules of MTA-STS policy files (sources/mtastspolicy.ts), whose examples are whole `mta-sts.txt` files. */
function policyRule(r: Omit<SourceRule, 'kind' | 'scope' | 'docs'> & { docs: Omit<SourceRule['docs'], 'file' | 'good'> & { good?: string } }): SourceRule {
  return { ...r, kind: 'mta-sts', scope: 'source', docs: { good: 'version: STSv1\nmode: enforce\nmx: mail.example.com\nmx: *.mail.example.net\nmax_age: 1209600\n', ...r.docs, file: 'mta-sts.txt' } };
}

export const mtaStsPolicyRules: SourceRule[] = [
  policyRule({
    id: 'mta-sts/policy-syntax',
    severity: 'error',
    summary: 'The MTA-STS policy file does not parse, or lacks a required line',
    fixable: true,
    docs: {
      what: 'Reads `mta-sts.txt` files (the policy served at `https://mta-sts.<domain>/.well-known/mta-sts.txt`) and finds lines that are not `key: value`, a missing `version`, `mode` or `max_age`, `version` other than `STSv1`, a `mode` other than `enforce`, `testing` or `none` (`enforced`, `Enforce`), a `max_age` that is not a number of seconds up to 31557600, `mx` patterns that are not host names or `*.` wildcards (a trailing dot), a key given twice, and an `enforce` or `testing` policy with no `mx` line.',
      why: 'RFC 8461 §3.2 defines the file; a policy that does not parse is not applied, and senders deliver as if the domain had none. An `mx` pattern that matches none of the domain\'s MX hosts is worse under `enforce`: senders refuse to deliver to them (§4.1, §5).',
      bad: 'version: STSv1\nmode: enforced\nmx: mail.example.com.\nmax_age: 1209600\n',
      fix: 'Write `version: STSv1`, `mode: enforce` (or `testing`), one `mx:` line per MX host or `*.` pattern without a trailing dot, and `max_age:` in seconds; change the id of the `_mta-sts` TXT record whenever the file changes. The quick fixes mend a mode\'s spelling and an MX pattern\'s trailing dot.',
    },
  }),
  policyRule({
    id: 'mta-sts/policy-mx-mismatch',
    severity: 'error',
    summary: 'An MX host of the domain matches no `mx` line of its MTA-STS policy',
    fixable: false,
    docs: {
      what: 'Checks an `mta-sts.txt` policy against the MX records in the workspace: for each domain that publishes `_mta-sts` and has an MX host the policy\'s `mx` patterns match (so the policy is that domain\'s), finds its other MX hosts that no pattern matches. The usual cause is an MX host added to the zone but not to the policy. An error under `mode: enforce`, a warning under `testing`.',
      why: 'RFC 8461 §4.1: a sending MTA that applies the policy checks the MX host against the `mx` patterns (a name, or `*.` and one label more) and, under `enforce`, does not deliver to a host that matches none; mail that picks that MX is deferred and then bounced.',
      bad: 'version: STSv1\nmode: enforce\nmx: mx1.example.com\nmax_age: 1209600\n',
      good: 'version: STSv1\nmode: enforce\nmx: mx1.example.com\nmx: mx2.example.com\nmax_age: 1209600\n',
      workspace: { file: 'example.com.zone', text: '$ORIGIN example.com.\n@ IN MX 10 mx1\n@ IN MX 20 mx2\n_mta-sts IN TXT "v=STSv1; id=20261128T1200"\nmta-sts IN CNAME sts.example.net.\n' },
      fix: 'Add an `mx:` line for the host (or a `*.` pattern that covers the domain\'s MX hosts), serve the new file, and change the `_mta-sts` record\'s id so senders fetch it.',
    },
  }),
  policyRule({
    id: 'mta-sts/policy-mode',
    severity: 'information',
    summary: 'The MTA-STS policy only tests (`mode: testing`) or is withdrawn (`mode: none`)',
    fixable: false,
    docs: {
      what: 'Notes an MTA-STS policy whose `mode` is `testing` or `none`.',
      why: 'RFC 8461 §5: in `testing` mode senders report failures (through TLS-RPT, RFC 8460) but deliver anyway, without TLS if an attacker strips it; only `enforce` protects the mail. `none` is how a policy is withdrawn (§8.3). Like `p=none` in DMARC, it is a stage, not the goal.',
      bad: 'version: STSv1\nmode: testing\nmx: mail.example.com\nmax_age: 1209600\n',
      fix: 'Read the TLS reports for a few weeks, then set `mode: enforce` and change the `_mta-sts` record\'s id.',
    },
  }),
  policyRule({
    id: 'mta-sts/policy-max-age',
    severity: 'warning',
    summary: 'The MTA-STS policy is cached for less than a day',
    fixable: false,
    docs: {
      what: 'Finds a `max_age` under 86400 seconds (a day).',
      why: 'RFC 8461 §3.2: senders cache the policy for `max_age`, and "it is expected that this value typically be in the range of weeks or greater": between fetches the cached policy is what protects against a downgrade, so a short one leaves a window each time it expires.',
      bad: 'version: STSv1\nmode: enforce\nmx: mail.example.com\nmax_age: 3600\n',
      fix: 'Use a week or more (`max_age: 604800`; two weeks, 1209600, is common), once the policy is known to be right.',
    },
  }),
];

export const sourceRules: SourceRule[] = [
  {
    id: 'octodns/unescaped-semicolon',
    kind: 'zone',
    scope: 'source',
    severity: 'error',
    summary: 'A `;` in an octoDNS TXT value is not escaped as `\\;`',
    fixable: true,
    docs: {
      what: 'Finds `;` characters in octoDNS `TXT`/`SPF` values that are not written `\\;`.',
      why: 'octoDNS treats `;` in TXT values as special and requires `\\;` (its documentation, "TXT records"); an unescaped one makes octoDNS reject the zone, so the DMARC or DKIM record is never published.',
      bad: "_dmarc:\n  type: TXT\n  value: v=DMARC1; p=none; rua=mailto:dmarc@example.com\n",
      good: "_dmarc:\n  type: TXT\n  value: v=DMARC1\\; p=none\\; rua=mailto:dmarc@example.com\n",
      fix: 'Write each `;` as `\\;` (in a double-quoted YAML string: `\\\\;`).',
      file: 'example.com.yaml',
    },
  },
  {
    id: 'source/not-static',
    kind: 'zone',
    scope: 'source',
    severity: 'information',
    summary: 'A record value or name is computed, so it is not checked',
    fixable: false,
    docs: {
      what: 'Notes TXT record values and names in infrastructure code that are computed at deploy time (CloudFormation `!Sub` with variables, `!Ref`, `!Join`; Terraform references that cannot be resolved statically), when they may be SPF, DMARC or DKIM records (a value written `hosted-email-verify=${var.token}` is not noted). A Terraform string, or a value a Terraform function builds (`format`, `join` of a list spliced with `concat` or written with `[for …]`), a CloudFormation `!Sub` or `!Join` with a part only a deployment knows, or a DNSControl value built from a parameter of a helper function whose argument is not known, that starts as a record says what it is (`"v=DMARC1; p=reject; rua=mailto:dmarc@${var.domain}"`) is checked around its unknown parts, shown as `…`: a finding is kept only where those parts cannot change it, so nothing is said on or beside the term that holds one, and nothing that judges the record as a whole (a missing `all` or `rua`, its length, the order of its tags). A Terraform conditional whose condition is not known statically (`var.email != "" ? "v=DMARC1; p=none; rua=mailto:${var.email}" : "v=DMARC1; p=none"`) has each value it may choose checked on its own, with the variables the condition tests taken as not known (not as their defaults); rules across records count one record there, its value not known. A condition known statically (`each.key == "@"`) chooses its value. A CloudFormation `Fn::If` (`!If [Cond, A, B]`, on one value or the whole `ResourceRecords` list) is read the same way, the parameters its condition tests taken as not known. A Terraform zone named by an expression (`zone_id = var.zone_id`, a zone resource or data source whose name is a variable, a zone resource of another module) is noted once, on the first record that names it: the records of the module that name the same zone are checked together, relative to it, and shown as `<var.zone_id>` (`_dmarc.<var.zone_id>`); checks that need the domain itself (its Organizational Domain, report destinations, public suffixes) skip them. A name that ends in a top-level domain (`_dmarc.example.com`) is taken as the whole name. A CloudFormation String parameter without a default that record names end with (`!Sub \'_dmarc.${DomainName}.\'`) is treated the same way, shown as `<DomainName>`.',
      why: 'DMARC Lens checks what it can know from the files; a computed value is reported once as information instead of being guessed at or flagged as an error.',
      bad: "Resources:\n  Spf:\n    Type: AWS::Route53::RecordSet\n    Properties:\n      Name: !Ref DomainName\n      Type: TXT\n      ResourceRecords:\n        - !Sub '\"v=spf1 include:${SpfInclude} -all\"'\n",
      good: "Resources:\n  Spf:\n    Type: AWS::Route53::RecordSet\n    Properties:\n      Name: example.com.\n      Type: TXT\n      ResourceRecords:\n        - '\"v=spf1 include:_spf.example.net -all\"'\n",
      fix: 'Nothing to fix. To have the value checked, write it literally, or check the rendered template.',
      file: 'template.yaml',
    },
  },
  {
    id: 'source/syntax-error',
    kind: 'zone',
    scope: 'source',
    severity: 'error',
    summary: 'An infrastructure-as-code file does not parse (YAML errors, a Terraform string or bracket not closed, JavaScript errors in DNSControl files)',
    fixable: true,
    docs: {
      what: 'Finds the YAML errors of an octoDNS, CloudFormation, Ansible or ExternalDNS file, at the place they are (at most five a file, a string never closed first): a quoted string never closed (said at its opening quote), an unquoted value holding `: ` (`value: v=spf1 ip4: 192.0.2.1 -all`, which YAML reads as a mapping), an escape a double-quoted string does not have (`"v=DMARC1\\; p=none"`: octoDNS\'s `\\;` inside double quotes), and any other error the YAML parser reports. JSON templates the same way. In Terraform files: a quoted string not closed on its line (`records = ["v=spf1 -all]`), a `${` never closed, a heredoc whose marker never comes back, brackets that do not pair up (a `[`, `(` or `{` never closed, said on the opener with the closer that ends it instead; a closer with nothing open), a `/*` comment never closed, and JSON errors in `.tf.json` files. In DNSControl files: JavaScript that does not parse, said where the parser stops (a string not closed on its line, said on it, with a fix). The records an error runs through are not checked, since they are not what the file means; a block left open keeps its records checked.',
      why: 'The tools that deploy these files refuse a file that is not valid YAML (PyYAML for octoDNS, the CloudFormation service) or HCL (Terraform ends a quoted string at its line), so none of its records are published until it is fixed; and the records as a forgiving reader makes them out (a string that swallows the rest of the file) would give findings about text no one wrote.',
      bad: "'':\n  type: TXT\n  value: v=spf1 ip4: 192.0.2.1 -all\n",
      good: "'':\n  type: TXT\n  value: v=spf1 ip4:192.0.2.1 -all\n",
      fix: 'Close the string (in Terraform, the quick fix closes it before the brackets that end the line, when the line opened them); close a list or call at the end of its line when the next line starts anew, and a last block at the end of the file (the quick fixes do), or remove a closer that closes nothing; quote a value that holds `: ` (the quick fix puts it in single quotes); inside double quotes write `\\\\;` (the quick fix does), or drop the quotes and write `\\;`.',
      file: 'example.com.yaml',
    },
  },
  {
    id: 'source/heredoc-newline',
    kind: 'zone',
    scope: 'source',
    severity: 'warning',
    summary: 'A Terraform heredoc puts a trailing newline into the record',
    fixable: false,
    docs: {
      what: 'Finds TXT record values written as heredocs (`<<EOT` … `EOT`) without `trimspace()` or `chomp()`. The record is still checked, without the newline.',
      why: 'HCL keeps the line break before the closing marker as part of the string, so the provider publishes the record with a newline at its end; RFC 7208 §4.6 has no such character in the record syntax, so SPF receivers return permerror, and a DMARC or DKIM tag value gets a stray character.',
      bad: 'resource "aws_route53_record" "spf" {\n  zone_id = "Z123"\n  name    = "example.com"\n  type    = "TXT"\n  records = [<<EOT\nv=spf1 include:_spf.google.com -all\nEOT\n  ]\n}\n',
      good: 'resource "aws_route53_record" "spf" {\n  zone_id = "Z123"\n  name    = "example.com"\n  type    = "TXT"\n  records = [trimspace(<<EOT\nv=spf1 include:_spf.google.com -all\nEOT\n  )]\n}\n',
      fix: 'Wrap the heredoc in `trimspace()` (or `chomp()`), or write the value as a quoted string.',
      file: 'main.tf',
    },
  },
];

/** An aggregate report of 240 messages from 192.0.2.7 for example.com, passing SPF aligned (`spf`) or only DKIM (a forwarder keeps the signature). */
const NOT_OURS_REPORT = (spf: 'pass' | 'fail') =>
  `<?xml version="1.0"?>\n<feedback><report_metadata><org_name>receiver.example</org_name><report_id>1</report_id><date_range><begin>1767225600</begin><end>1767311999</end></date_range></report_metadata>\n<policy_published><domain>example.com</domain><p>none</p></policy_published>\n<record><row><source_ip>192.0.2.7</source_ip><count>240</count><policy_evaluated><disposition>none</disposition><dkim>pass</dkim><spf>${spf}</spf></policy_evaluated></row><identifiers><header_from>example.com</header_from></identifiers><auth_results><dkim><domain>example.com</domain><result>pass</result></dkim><spf><domain>${spf === 'pass' ? 'example.com' : 'lists.example.org'}</domain><result>pass</result></spf></auth_results></record></feedback>\n`;

export const metaRules: SourceRule[] = [
  {
    id: 'meta/not-ours-authorised',
    kind: 'zone',
    scope: 'source',
    severity: 'warning',
    summary: 'A source listed as not yours passes SPF for your domain',
    fixable: true,
    docs: {
      what: 'Finds entries of `reports.notOurs` in `.dmarc-lens.json` (the sources you have listed as not yours, whose failing mail no longer holds back the next policy stage) whose addresses the aggregate reports show passing DMARC through aligned SPF: the SPF record of the From domain authorises them. Mail that passes only through DKIM is left alone: a forwarder or a mailing list passes your signature on intact, and forwarders are what the list is for.',
      why: 'An address your own SPF record authorises is one you declared a sender of yours (RFC 7208 §2.4, RFC 9989 §4.4.2): listing it as not yours takes its failing mail out of the rollout evidence (RFC 9989 §4.7), and that mail is then quarantined or rejected at the next stage. Either the entry is wrong (a range too wide, a platform of yours) or the SPF record authorises a host it should not.',
      bad: '{\n  "reports": { "notOurs": ["192.0.2.0/24"] }\n}\n',
      good: '{\n  "reports": { "notOurs": ["192.0.2.0/24"] }\n}\n',
      report: NOT_OURS_REPORT('pass'),
      goodReport: NOT_OURS_REPORT('fail'),
      fix: 'Remove the entry (the quick fix does, with its comment when it has a line of its own) or narrow its range to the addresses that are not yours; or, if the address is really not yours, take it out of the SPF record that authorises it.',
      file: '.dmarc-lens.json',
    },
  },
  {
    id: 'meta/invalid-config',
    kind: 'zone',
    scope: 'source',
    severity: 'error',
    summary: 'The `.dmarc-lens.json` configuration has an error',
    fixable: false,
    docs: {
      what: 'Finds invalid JSON, unknown settings, unknown rule ids and invalid values in `.dmarc-lens.json`, at the exact place.',
      why: 'A setting that is not read silently changes nothing; the rest of the file and every other check keep working with the defaults.',
      bad: '{\n  "rules": { "spf/ptrr": "off", "dmarc/policy-none": "loud" }\n}\n',
      good: '{\n  // legacy relays still use ptr; tracked in OPS-123\n  "rules": { "spf/ptr": "off", "dmarc/policy-none": "hint" }\n}\n',
      fix: 'Use rule ids from `dmarc-lens rules` and one of off, hint, information, warning, error; VS Code completes and validates the file from its JSON schema.',
      file: '.dmarc-lens.json',
    },
  },
  {
    id: 'meta/unused-suppression',
    kind: 'zone',
    scope: 'source',
    severity: 'hint',
    summary: 'A suppression comment silences nothing',
    fixable: true,
    docs: {
      what: 'Finds `dmarc-lens-disable-next-line` and `dmarc-lens-disable-file` comments that silence no finding, usually because the finding was fixed.',
      why: 'A stale suppression hides the next real finding on that line without anyone deciding so.',
      bad: '; dmarc-lens-disable-next-line spf/ptr -- legacy relay\n@ IN TXT "v=spf1 mx -all"',
      good: '; dmarc-lens-disable-next-line spf/ptr -- legacy relay, OPS-123\n@ IN TXT "v=spf1 ptr -all"',
      fix: 'Remove the comment (the quick fix does).',
    },
  },
  {
    id: 'meta/unknown-rule',
    kind: 'zone',
    scope: 'source',
    severity: 'warning',
    summary: 'A suppression names a rule id that does not exist',
    fixable: false,
    docs: {
      what: 'Finds rule ids in suppression comments that are not DMARC Lens rules (typos, renamed rules).',
      why: 'The comment then silences nothing for that id, while its author believes it does.',
      bad: '; dmarc-lens-disable-next-line spf/ptrr\n@ IN TXT "v=spf1 ptr -all"',
      good: '; dmarc-lens-disable-next-line spf/ptr\n@ IN TXT "v=spf1 ptr -all"',
      fix: 'Correct the id (`dmarc-lens rules` lists them).',
    },
  },
];

export const zoneRules: SourceRule[] = [
  rule({
    id: 'zone/string-too-long',
    severity: 'error',
    summary: 'A character-string is longer than 255 bytes',
    fixable: true,
    docs: {
      what: 'Finds a quoted (or unquoted) string in a TXT or SPF record longer than 255 bytes: in zone files, in the quoted strings of octoDNS, CloudFormation and Ansible values, and in a Terraform Route 53 value, which the AWS provider sends as it is (its strings are split by `\\"\\"`).',
      why: 'RFC 1035 §3.3: a character-string is one length byte and at most 255 bytes of data. Servers refuse to load the zone (BIND: "ran out of space"), and Route 53 refuses the change (`CharacterStringTooLong`), so the record is never published: a 2048-bit DKIM key, about 400 bytes, always needs two strings.',
      bad: `@ IN TXT "v=spf1 ${'ip4:192.0.2.1 '.repeat(18)}-all"`,
      good: `@ IN TXT "v=spf1 ${'ip4:192.0.2.1 '.repeat(9)}" "${'ip4:192.0.2.1 '.repeat(9)}-all"`,
      fix: 'Split the value into several quoted strings of at most 255 bytes each: `"first part" "second part"` (in a Terraform Route 53 value, `first part\\"\\"second part`). DNS joins them with no separator, so keep any space inside a string.',
    },
  }),
  rule({
    id: 'zone/typographic-quotes',
    severity: 'error',
    summary: 'A record is quoted with typographic quotes (“…”), which zone files read as text',
    fixable: true,
    docs: {
      what: 'Finds TXT records whose data starts with a typographic double quote (`“`, `”`, `„`, `«`, `»`, `″`) and ends with one, around an SPF, DMARC or DKIM record: the quotes a word processor, a chat tool or a web page puts in when a record is copied from it.',
      why: 'RFC 1035 §5.1: only `"` quotes a character-string in a master file. A typographic quote is an ordinary character, so the record becomes unquoted words, one character-string each, which DNS serves joined with no space: `“v=spf1 include:_spf.example.net -all”` is published as `“v=spf1include:_spf.example.net-all”`, which is no SPF record (RFC 7208 §4.5), and the domain has none.',
      bad: '@ IN TXT \u201cv=spf1 include:_spf.example.net -all\u201d',
      good: '@ IN TXT "v=spf1 include:_spf.example.net -all"',
      fix: 'Replace the two typographic quotes with `"` (the quick fix does). Copy records from a plain-text source, or paste them without formatting.',
    },
  }),
  rule({
    id: 'zone/unterminated-quote',
    severity: 'error',
    summary: 'A quoted string is not closed on its line',
    docs: {
      what: 'Finds a `"` whose closing quote is missing before the end of the line.',
      why: 'RFC 1035 §5.1: a quoted string ends at the next unescaped `"`; BIND does not let a string span lines, so the zone fails to load.',
      bad: '_dmarc IN TXT "v=DMARC1; p=none',
      good: '_dmarc IN TXT "v=DMARC1; p=none"',
      fix: 'Add the closing quote; write a literal quote inside a string as `\\"`.',
    },
  }),
  rule({
    id: 'zone/unbalanced-parentheses',
    severity: 'error',
    summary: 'Parentheses do not balance',
    docs: {
      what: 'Finds `(` never closed and `)` without an opening one.',
      why: 'RFC 1035 §5.1: parentheses group a record over several lines; an unclosed one swallows the rest of the file and the zone fails to load.',
      bad: '@ IN TXT ( "v=spf1 " "-all"',
      good: '@ IN TXT ( "v=spf1 " "-all" )',
      fix: 'Close the group with `)` after the last string of the record.',
    },
  }),
  rule({
    id: 'zone/byte-order-mark',
    severity: 'error',
    summary: 'The file starts with a UTF-8 byte-order mark',
    fixable: true,
    docs: {
      what: 'Finds a UTF-8 byte-order mark (the invisible character U+FEFF, bytes `EF BB BF`) at the start of a zone file or of a file it `$INCLUDE`s. The rest of the file is read as if it were not there. VS Code hides the mark (the status bar says "UTF-8 with BOM"), so the command line reports it, not the editor.',
      why: 'RFC 1035 §5 master files are plain text; BIND reads the mark as part of the first word, so a leading `$ORIGIN` becomes an unknown record type and a leading owner name a name that is not the zone apex, and `named-checkzone` refuses the zone. Editors on Windows often save "UTF-8 with BOM".',
      bad: '\ufeff$ORIGIN example.com.\n@ IN TXT "v=spf1 -all"',
      good: '$ORIGIN example.com.\n@ IN TXT "v=spf1 -all"',
      fix: 'Save the file as "UTF-8" rather than "UTF-8 with BOM" (in VS Code: click the encoding in the status bar, Save with Encoding, UTF-8). Editors whose text includes the mark offer a quick fix that removes it.',
      file: 'example.com.zone',
    },
  }),
  rule({
    id: 'zone/invalid-hostname',
    severity: 'warning',
    summary: 'A name that must be a host name is not one (BIND check-names)',
    docs: {
      what: 'Finds the names BIND\'s `check-names` requires to be host names that are not: the owner of an A, AAAA, A6, MX or WKS record (a leading `*` label allowed), the mail server of an MX record, the name server of an NS record, the target of an SRV record, the primary name server of the SOA record, the target of a service-mode SVCB or HTTPS record, the host of an AFSDB or RT record, and the host of a PTR record in a reverse zone; and the mailboxes of SOA, RP and MINFO records (the first label may be any printable ASCII). A host name is letters, digits and hyphens, each label starting and ending with a letter or digit. Names that may hold `_` (`_dmarc`, `_domainkey`, SRV owners, TXT and CNAME records) are not checked.',
      why: 'RFC 952 and RFC 1123 §2.1 define host names, and mail servers and resolvers expect them. BIND checks them when it loads a zone, and a primary server refuses the zone by default (`check-names primary fail`), so none of its records, SPF, DMARC and DKIM included, are served; `named-checkzone` reports "bad owner name (check-names)" or "bad name (check-names)". Other servers (Knot, NSD, hosted DNS) load such a zone. An `A` record at `mail_server` usually means the name was meant to be `mail-server`, or the record was meant to be a TXT or CNAME record.',
      bad: '$ORIGIN example.com.\n@ IN MX 10 mail_server\nmail_server IN A 192.0.2.25',
      good: '$ORIGIN example.com.\n@ IN MX 10 mail-server\nmail-server IN A 192.0.2.25',
      fix: 'Rename the host with hyphens instead of underscores, and change the records that name it. In an editor the quick fix does both: it renames the name (`_` as `-`) across the workspace\'s zone files, with the names under it, the records whose data names it (MX, NS, SRV, CNAME, PTR, SOA…) and the SPF terms that name it, as Rename Symbol (F2) does for any name. If the zone must keep the name, set `check-names primary warn;` (or `ignore`) in the zone\'s `named.conf` options.',
      file: 'example.com.zone',
    },
  }),
  rule({
    id: 'zone/soa-not-at-apex',
    severity: 'error',
    summary: 'The SOA record is not at the zone apex',
    docs: {
      what: 'Finds an SOA record whose owner is not the zone apex given with `dmarc-lens check --origin`. Without it the SOA itself names the zone, as name servers read it, so nothing is reported: a leading `$ORIGIN` is often the parent of the zone (`$ORIGIN se.` then `opendnssec IN SOA …`).',
      why: 'RFC 1035 §5.2: the SOA record marks the top of the zone. BIND refuses a zone whose SOA is elsewhere ("SOA record not at top of zone"), so none of its records, SPF, DMARC and DKIM included, are served. It usually comes from a mistyped `$ORIGIN` or owner.',
      bad: '@ IN TXT "v=spf1 -all"\nmail IN SOA ns1.example.com. hostmaster.example.com. 1 7200 3600 1209600 300',
      good: '@ IN TXT "v=spf1 -all"\n@ IN SOA ns1.example.com. hostmaster.example.com. 1 7200 3600 1209600 300',
      fix: 'Write the SOA at `@`, and check the `$ORIGIN` lines before it.',
      origin: 'example.com',
    },
  }),
  rule({
    id: 'zone/ds-at-apex',
    severity: 'error',
    summary: 'A DS record is at the zone apex',
    docs: {
      what: 'Finds DS records whose owner is the zone apex: the one given with `dmarc-lens check --origin`, or else the owner of the file\'s SOA record. A file with neither (a snippet) is not checked. CDS records, which do belong at the apex, are not flagged.',
      why: 'RFC 4035 §2.4: a DS record sits in the parent zone at the delegation point and is signed by the parent; the child zone publishes DNSKEY (and CDS for automated updates, RFC 7344). BIND refuses a zone with a DS at its top ("DS record at top of zone"), so none of its records, SPF, DMARC and DKIM included, are served. It usually comes from pasting the parent\'s DS into the child zone.',
      bad: '@ IN SOA ns1.example.com. hostmaster.example.com. 1 7200 3600 1209600 300\n@ IN DS 2371 13 2 1F987CC6583E92DF0890718C421EE5BC6E0AF5A2E6B5B2B3A7B1D6B4E4C4D4E4',
      good: '@ IN SOA ns1.example.com. hostmaster.example.com. 1 7200 3600 1209600 300\n@ IN CDS 2371 13 2 1F987CC6583E92DF0890718C421EE5BC6E0AF5A2E6B5B2B3A7B1D6B4E4C4D4E4',
      fix: 'Delete the DS record from this zone and give it to the parent zone\'s operator (your registrar), or publish it as CDS so that a parent that supports RFC 7344 picks it up. A DS for a child zone belongs at the child\'s name (`sub IN DS …`) next to its NS records.',
      file: 'example.com.zone',
    },
  }),
  rule({
    id: 'zone/wrong-class',
    severity: 'error',
    summary: 'A record is not of class IN',
    docs: {
      what: 'Finds records written with a class other than `IN` (`CH`, `HS`, `CS`, `ANY`, `NONE`, `CLASSnn` other than `CLASS1`).',
      why: 'RFC 1035 §5.1: all records of a zone share its class, and zones for mail are class IN (what `named-checkzone` assumes). A record of another class makes BIND refuse the whole zone ("class \'CH\' != zone class \'IN\'"), so its SPF, DMARC and DKIM records are not served. A `CH` usually comes from a copied `version.bind` example.',
      bad: 'mail CH TXT "v=spf1 -all"',
      good: 'mail IN TXT "v=spf1 -all"',
      fix: 'Write `IN`, or leave the class out (it is then the one of the record before). For a zone that really is of another class, turn the rule off.',
    },
  }),
  rule({
    id: 'zone/multiple-soa',
    severity: 'error',
    summary: 'The zone file has more than one SOA record',
    docs: {
      what: 'Finds every SOA record after the first one in a zone file and the files it `$INCLUDE`s. The first SOA written again, with the same names and numbers, is not one: it is the same resource record, which name servers load once, and zone transfer output (`dig axfr`) ends with it.',
      why: 'RFC 1035 §5.2: a zone has exactly one SOA, at its apex. BIND refuses a zone with a second one ("multiple RRs of singleton type" at the apex, "SOA record not at top of zone" elsewhere), so none of its records are served. It usually comes from two zone files pasted together.',
      bad: '@ IN SOA ns1.example.com. hostmaster.example.com. 1 7200 3600 1209600 300\n@ IN TXT "v=spf1 -all"\n@ IN SOA ns1.example.com. hostmaster.example.com. 2 7200 3600 1209600 300',
      good: '@ IN SOA ns1.example.com. hostmaster.example.com. 2 7200 3600 1209600 300\n@ IN TXT "v=spf1 -all"',
      fix: 'Keep one SOA (with the highest serial) and delete the others; if two zones were merged, split them into their own files.',
    },
  }),
  rule({
    id: 'zone/unknown-directive',
    severity: 'error',
    summary: 'Unknown `$` directive',
    docs: {
      what: 'Finds lines starting with `$` that are not `$ORIGIN`, `$INCLUDE`, `$TTL` (or BIND\'s `$GENERATE`).',
      why: 'RFC 1035 §5.1 and RFC 2308 §4 define the directives; servers refuse other ones, so the zone does not load.',
      bad: '$ORIGN example.com.',
      good: '$ORIGIN example.com.',
      fix: 'Correct the directive name.',
    },
  }),
  rule({
    id: 'zone/out-of-zone',
    severity: 'warning',
    summary: 'A record is outside the zone',
    docs: {
      what: 'Finds records whose owner name is not the zone apex or below it.',
      why: 'RFC 1035 §5.2: a zone holds only names at or below its origin; servers ignore (BIND: "ignoring out-of-zone data") anything else, often a relative name written as absolute, or a missing dot.',
      bad: '_dmarc.example.org. IN TXT "v=DMARC1; p=none; rua=mailto:dmarc@example.com"',
      good: '_dmarc IN TXT "v=DMARC1; p=none; rua=mailto:dmarc@example.com"',
      fix: 'Write the owner relative to the zone, or move the record to the zone of its domain.',
    },
  }),
  rule({
    id: 'zone/include-not-found',
    severity: 'error',
    summary: '`$INCLUDE` file cannot be read',
    docs: {
      what: 'Finds `$INCLUDE` directives whose file does not exist (resolved relative to the including file), include loops and nesting too deep.',
      why: 'RFC 1035 §5.1: the included file is part of the zone; servers fail to load the zone without it, and its records cannot be checked.',
      bad: '$INCLUDE missing-dkim-keys.zone',
      good: '; $INCLUDE with a file that exists next to the zone',
      fix: 'Correct the path or add the file.',
    },
  }),
  rule({
    id: 'zone/invalid-ttl',
    severity: 'error',
    summary: 'A TTL is not a number or BIND duration',
    docs: {
      what: 'Finds TTL fields and `$TTL` values that are neither seconds nor a duration such as `1h30m`.',
      why: 'RFC 2308 §4 and RFC 1035 §5.1: servers refuse the record (BIND: "bad ttl").',
      bad: '@ 1w2x IN TXT "v=spf1 -all"',
      good: '@ 1w2d IN TXT "v=spf1 -all"',
      fix: 'Write the TTL in seconds or with the units s, m, h, d, w.',
    },
  }),
  rule({
    id: 'zone/unknown-type',
    severity: 'error',
    summary: 'Unknown record type',
    docs: {
      what: 'Finds record types that are neither a known mnemonic nor the generic `TYPEnnn` (nnn 0-65535), the meta types that only exist in queries and transactions: `OPT`, `TSIG`, `TKEY`, `TYPE0` and `TYPE128`-`TYPE255`; and the obsolete `MD` and `MF` (RFC 973), which BIND refuses.',
      why: 'RFC 3597 §5: unknown types must be written as `TYPEnnn`; servers refuse unknown mnemonics (BIND: "unknown RR type"). RFC 6895 §3.1: meta types are never stored in a zone (BIND: "invalid use of a meta type").',
      bad: '@ IN TXTT "v=spf1 -all"',
      good: '@ IN TXT "v=spf1 -all"',
      fix: 'Correct the type name.',
    },
  }),
  rule({
    id: 'zone/invalid-rdata',
    severity: 'error',
    fixable: true,
    summary: 'A record\'s data is malformed',
    docs: {
      what: 'Finds what `named-checkzone` refuses in a record or directive, on the line BIND names (a field on a later line than the one before it, inside parentheses, is flagged from the end of that line):\n\n- **Any record:** a missing type; too few or too many fields; domain names with an empty label or a label over 63 octets, in owners and in data, or in quotes (only an SVCB/HTTPS target may be quoted); `\\DDD` escapes that are not three digits 000-255, or a lone `\\` at the end of a word; `TYPEnnn` of a known type is checked as that type (`TYPE1` is A), one without a mnemonic only in generic form; the obsolete MD and MF, and NULL in text form.\n- **Common types:** A/AAAA values that are not addresses; numbers out of range (MX preference, SOA serial and timers, SRV, CAA, TLSA, SSHFP, URI, NAPTR, AFSDB); a TXT record with no strings; a URI target not in quotes; an NS at a wildcard name.\n- **DNSSEC:** DS, CDS, TA and DLV key tag, algorithm and digest type by number or name, and a digest of the size its type gives; DNSKEY, CDNSKEY and KEY flags, protocol, algorithm and base64 key; RRSIG type covered, labels, original TTL, times as a real UTC date or seconds, key tag, signer and signature; NSEC and NSEC3 type lists; NSEC3 and NSEC3PARAM hash algorithm, flags, iterations, hex salt and a base32hex next hashed owner of the size of the hash; hex and base64 data that does not decode (SSHFP fingerprints of their size, OPENPGPKEY).\n- **SVCB and HTTPS (RFC 9460):** priority, target and each parameter in its own syntax (`alpn` ids, `port`, `ipv4hint` and `ipv6hint` addresses, `ech` base64, `mandatory` keys, `dohpath` a URI template with a `dns` variable, `keyNNNNN` values in wire form); no key twice, every key `mandatory` names present, `no-default-alpn` only with `alpn`; `ohttp`, which BIND 9.18 does not know (write `key8`).\n- **LOC, NAPTR and the rarer types:** LOC (RFC 1876) degrees, minutes, seconds, upper-case directions, altitude and sizes in range; the NAPTR regexp (three delimiters, a valid POSIX extended expression, back-references to groups it has, only the flag `i`); CERT, IPSECKEY (gateway of its type), APL items, ZONEMD digests of their size, CSYNC, DHCID, EUI48/EUI64, NSAP, DSYNC, WKS ports and the service and protocol names in the host\'s `/etc/services` and `/etc/protocols` (the tables BIND asks; any name where they are missing), X25, A6, MINFO, MB/MG/MR, PX; HIP (hex HIT, base64 key, rendezvous names), AMTRELAY (relay of its type), DOA, SIG and NXT, RKEY (flags 0), ATMA, SINK, EID/NIMLOC, L32/L64/NID/LP, TALINK, NSAP-PTR, GPOS, and at least one string in RESINFO, WALLET, AVC, NINFO; UINFO, UID, GID and UNSPEC only in generic form.\n- **Generic data (RFC 3597, `\\# length hex`):** a length that does not add up, or bytes that are not the wire format of the type (cut short, bytes left over, a compressed name, a bad type bitmap, SvcParams out of order).\n- **Directives:** extra arguments after `$ORIGIN`, `$TTL` or `$INCLUDE`; in BIND\'s `$GENERATE`, a bad range, a bad `${offset,width,base}` modifier, record data in more than one field, or a generated record BIND would refuse (the first one is named). Up to 65 536 records of one `$GENERATE` line, and 262 144 of a file, are read (past that, an information says what is not checked); they join the zone\'s records, but generated TXT records are not analysed as SPF, DMARC or DKIM.',
      why: 'RFC 1035 §3.3 and §5.1 define each type\'s data and the master-file syntax; servers refuse to load a zone with a malformed record, so none of its records, SPF, DMARC and DKIM included, are published. A test checks the agreement with BIND on thousands of random mutations of a zone.',
      bad: '@ IN MX 10 "mail.example.com."',
      good: '@ IN MX 10 mail.example.com.',
      fix: 'Write the record data in the format of its type. Where the repair is sure a quick fix makes it: the quotes around a domain name removed, `ohttp` written as `key8`, a line break added after a `$GENERATE` on the last line.',
    },
  }),
];
