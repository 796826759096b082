/** The config `portcullis init` writes: every setting present, commented, with safe defaults. */
export const STARTER_CONFIG = `# Portcullis configuration. Every key is optional; \`portcullis rules\` lists the rules.
# yaml-language-server: $schema=https://portcullis.dev/schemas/config.schema.json

# Per rule: off, a severity (critical, high, medium, low, info), or { severity, options }.
rules:
  no-public-ssh: medium
  # no-wide-public-port-range:
  #   options:
  #     portCountAbove: 100

# Sources that count as private: offices, VPN ranges, monitoring.
trustedSources: []
#  - 198.51.100.0/24

# The services inventory (see docs/inventory.md).
# inventory: services.yaml

# A folder of your own rules, in the same YAML format as the built-in ones.
# rulesDir: portcullis-rules

# Suppressions for formats without comments. Each needs a reason; "until" makes it expire.
ignores: []
#  - rule: no-public-ssh
#    file: "infra/bastion/**"
#    reason: bastion host, key-only login, fail2ban
#    until: 2027-06-30
`;
