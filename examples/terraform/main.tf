# Northwind's careers site lives in its own Route 53 zone, managed with Terraform.
resource "aws_route53_zone" "careers" {
  name = "northwind-careers.example"
}

resource "aws_route53_record" "spf" {
  zone_id = aws_route53_zone.careers.zone_id
  name    = "northwind-careers.example"
  type    = "TXT"
  ttl     = 3600
  # Deliberate mistake: `?all` leaves every other host neutral.
  records = ["v=spf1 include:_spf.google.com ?all"]
}

resource "aws_route53_record" "dmarc" {
  zone_id = aws_route53_zone.careers.zone_id
  name    = "_dmarc"
  type    = "TXT"
  ttl     = 3600
  records = ["v=DMARC1; p=none; rua=mailto:dmarc-reports@northwind.example"]
}

resource "aws_route53_record" "dkim_google" {
  zone_id = aws_route53_zone.careers.zone_id
  name    = "google._domainkey"
  type    = "TXT"
  ttl     = 3600
  # Deliberate mistake: testing mode left on after the key went live.
  records = ["v=DKIM1; k=rsa; t=y; p=MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAuwyS4GtHwNDifDkQaAFwnlxBAxqBemZriigqbAFlRiQ1RJW2GofyhNTy9ozyZlVhn8Pbv4HqnVDel+zaDhEh/t0VYjQ8DbKwRoKyrfxbmO6fsG5g6rf+Licva63TmYpwtX2dVrxBh30pFz7+muMTHyeOGu2XWbiUTCNvyEBBBl+v/EOdlPIzThMx0jKX\"\"0jedThp33qc9R8n1/Ad5gzPoZrqkWyZU4pz/Bx9ZbjG+ZNlQfwutJG4zAfuY3QWDbAx31W8LYlj461hov5bZe9hB/Xh0C255FJyNHaRWPbnta554ceFxiSPwrZVODAc0lIiQ23o+eQMCIT87uh9VyX2C4QIDAQAB"]
}
