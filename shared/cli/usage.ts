/** The text of `--help`. Kept beside the option table it describes (run-cli.ts). */
export const USAGE = `lambda-role-audit: least-privilege audit of AWS Lambda execution roles

Usage:
  lambda-role-audit audit [--from DIR] [--region R[,R...] | --all-regions] [--profile P]
                          [--function NAME ...]
                          [--format table|json|markdown|sarif] [--fail-on SEVERITY] [--suppressions FILE]
                          [--aws-managed-baseline info|low]
                          [--tag-suppress-max-severity SEVERITY] [--tag-suppress-rules RULES]
                          [--function-budget-ms MS]
  lambda-role-audit audit --template FILE [--template FILE ...] [--cdk-out DIR]
                          [--parameter KEY=VALUE ...] [--account ID] [--region R]
                          [--from DIR | --profile P] [same output options]
  lambda-role-audit export --to DIR [--region R[,R...] | --all-regions] [--profile P]
  lambda-role-audit --help | --version

audit: what each function's execution role is missing, and what it grants in excess.
  --from DIR           read an export folder (authorization-details.json, functions.json,
                       event-source-mappings.json; optional event-invoke-configs.json, versions.json,
                       aliases.json, resource-encryption.json); no network.
                       Without --from: the live account of the default AWS credentials.
  --region R[,R...]    live audit: the region, or several (repeat the flag or separate with commas); a
                       role is judged with its functions in all of them (default: the AWS SDK's region)
  --all-regions        live audit: every region enabled for the account (ec2:DescribeRegions)
  --profile P          live audit: the named profile
  --function NAME ...  audit only these functions (names or ARNs): repeat the flag, list names after it,
                       or separate them with commas
  --format F           table: for people (the default when stdout is a terminal)
                       json: exactly one report on stdout (the default when stdout is not a terminal;
                       indented on a terminal, compact otherwise)
                       markdown: for a pull request or a ticket
                       sarif: SARIF 2.1.0 for code scanning (one result per unsuppressed finding)
  --fail-on SEVERITY   exit 1 when an unsuppressed finding is at or above SEVERITY:
                       critical, high (default), medium, low, info; or none to never exit 1
  --suppressions FILE  YAML or JSON list of { rule, function?, role?, action?, resource?, reason }
  --aws-managed-baseline info|low
                       the severity of excess findings that only AWS managed policies AWS recommends
                       for the function cause (AWSLambdaBasicExecutionRole's logs on *, ...):
                       info (default: reported, not counted against compliance) or low
  --tag-suppress-max-severity SEVERITY
                       the highest severity the lambda-role-audit:suppress tag may suppress: critical,
                       high, medium (default), low, info, or none (tags suppress nothing). The
                       suppressions file is not limited; a tag that names more stays open, with a note
  --tag-suppress-rules RULES
                       the rules that tag may suppress: a comma list, or all (default: every rule but
                       trust-policy-not-lambda and trust-policy-too-broad)
  --function-budget-ms MS
                       the most time one function's audit may take (default 10000); a function that
                       takes longer is listed under "errors" as not audited completely (exit 3)

Template mode: audit CloudFormation and AWS SAM templates (JSON or YAML) before they are deployed.
  --template FILE      a template; repeat for several (a role in one may serve a function in another)
  --cdk-out DIR        every stack of a CDK cloud assembly (cdk synth's output), nested stacks included
  --parameter K=V      a template parameter's value (else its Default); repeat for several
  --account ID         the account the template is meant for (default 123456789012)
  --region R           the region (default us-east-1)
  --from DIR           read the roles and managed policies the templates do not define from an export
  --profile P          ... or from the live account of that profile; without either, no network and
                       the verdicts that depend on them are "unverifiable"

export: write an export folder from the live account, to audit later with --from.
  --to DIR             the folder to write (--region, --all-regions and --profile as for audit)

Exit status:
  0  audit done, no unsuppressed finding at or above --fail-on
  1  audit done, such findings exist
  2  bad usage or unusable input (the message names the file and what is wrong)
  3  the audit ran but some functions could not be audited (listed under "errors"); 3 wins over 1

Warnings and progress go to stderr. Colour: only on a terminal; NO_COLOR turns it off, FORCE_COLOR on.
`;
