/**
 * The report as SARIF 2.1.0, for code-scanning tools (GitHub code scanning, the SARIF viewers of IDEs):
 * one rule per rule of the catalog with its help text and documentation link, one result per
 * unsuppressed finding, located at the template resource (file and line) where the report has one, and
 * always at a logical location naming the function's ARN. `partialFingerprints` carry the finding id,
 * stable across runs, so that a scanner tracks the same finding from one commit to the next.
 * https://docs.oasis-open.org/sarif/sarif/v2.1.0/sarif-v2.1.0.html
 * https://docs.github.com/en/code-security/code-scanning/integrating-with-code-scanning/sarif-support-for-code-scanning
 */

import type { Finding, FunctionResult, Report, Severity, TemplateLocation } from '../../domain/report.js';
import { RULE_METADATA, type RuleMetadata } from '../../domain/rules/rule-metadata.js';

export const SARIF_SCHEMA =
  'https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json';

/** SARIF's levels: what must be fixed is an error, what should be looked at a warning, the rest a note. */
const LEVEL: Readonly<Record<Severity, 'error' | 'warning' | 'note'>> = {
  critical: 'error',
  high: 'error',
  medium: 'warning',
  low: 'note',
  info: 'note',
};

/** GitHub's `security-severity` (0.0–10.0, CVSS-like bands), by severity. */
const SECURITY_SEVERITY: Readonly<Record<Severity, string>> = {
  critical: '9.5',
  high: '8.0',
  medium: '5.5',
  low: '3.0',
  info: '0.0',
};

type Json = Record<string, unknown>;

function rule(metadata: RuleMetadata): Json {
  return {
    id: metadata.id,
    name: metadata.id
      .split('-')
      .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
      .join(''),
    shortDescription: { text: metadata.title },
    fullDescription: { text: metadata.rationale },
    help: {
      text: `${metadata.remediation}\n\nSeverity: ${metadata.severityNote}\n\n${metadata.docsUrl}`,
      markdown: `${metadata.remediation}\n\n**Severity:** ${metadata.severityNote}\n\n[AWS documentation](${metadata.docsUrl})`,
    },
    helpUri: metadata.docsUrl,
    defaultConfiguration: { level: LEVEL[metadata.defaultSeverity] },
    properties: {
      tags: ['security', 'aws', 'iam', 'lambda'],
      precision: 'high',
      'security-severity': SECURITY_SEVERITY[metadata.defaultSeverity],
    },
  };
}

/** A file path as a SARIF URI reference: forward slashes, each segment percent-encoded. */
export function fileUri(path: string): { uri: string; uriBaseId?: string } {
  const slashes = path.replaceAll('\\', '/');
  const absolute = slashes.startsWith('/');
  const encoded = slashes
    .split('/')
    .map((segment) => encodeURIComponent(segment))
    .join('/');
  return absolute
    ? { uri: `file://${encoded}` }
    : { uri: encoded.replace(/^\.\//, ''), uriBaseId: '%SRCROOT%' };
}

function physicalLocation(where: TemplateLocation): Json {
  return {
    artifactLocation: fileUri(where.file),
    region: { startLine: where.line ?? 1 },
  };
}

function result(finding: Finding, fn: FunctionResult, ruleIndex: Map<string, number>): Json {
  const where = finding.template ?? fn.template;
  const logical = [
    { name: fn.functionName, fullyQualifiedName: fn.functionArn, kind: 'function' },
    ...(where === undefined
      ? []
      : [
          { name: where.logicalId, fullyQualifiedName: `${where.file}#${where.logicalId}`, kind: 'resource' },
        ]),
  ];
  return {
    ruleId: finding.rule,
    ruleIndex: ruleIndex.get(finding.rule) ?? -1,
    level: LEVEL[finding.severity],
    message: {
      text: finding.remediation === undefined ? finding.message : `${finding.message} ${finding.remediation}`,
    },
    locations: [
      {
        ...(where === undefined ? {} : { physicalLocation: physicalLocation(where) }),
        logicalLocations: logical,
      },
    ],
    partialFingerprints: { 'lambdaRoleAuditFindingId/v1': finding.id },
    properties: {
      severity: finding.severity,
      'security-severity': SECURITY_SEVERITY[finding.severity],
      functionArn: fn.functionArn,
      roleArn: fn.roleArn,
      ...(finding.action === undefined ? {} : { action: finding.action }),
      ...(finding.resource === undefined ? {} : { resource: finding.resource }),
      ...(finding.decision === undefined ? {} : { decision: finding.decision }),
    },
  };
}

/** The SARIF log of a report (one run). */
export function formatSarif(report: Report): Json {
  const rules = RULE_METADATA.map(rule);
  const ruleIndex = new Map<string, number>(RULE_METADATA.map((metadata, index) => [metadata.id, index]));
  // A rule the catalog does not describe (newer than this formatter) still gets a descriptor.
  for (const fn of report.functions) {
    for (const finding of fn.findings) {
      if (ruleIndex.has(finding.rule)) continue;
      ruleIndex.set(finding.rule, rules.length);
      rules.push({ id: finding.rule, shortDescription: { text: finding.rule } });
    }
  }
  const results = report.functions.flatMap((fn) =>
    fn.findings
      .filter((finding) => finding.suppressed !== true)
      .map((finding) => result(finding, fn, ruleIndex)),
  );
  const errors = report.errors ?? [];
  return {
    $schema: SARIF_SCHEMA,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: report.tool?.name ?? 'lambda-role-audit',
            ...(report.tool?.version === undefined
              ? {}
              : { version: report.tool.version, semanticVersion: report.tool.version }),
            rules,
          },
        },
        automationDetails: { id: `lambda-role-audit/${report.source.kind}/` },
        invocations: [
          {
            executionSuccessful: errors.length === 0,
            endTimeUtc: report.generatedAt,
            toolExecutionNotifications: errors.map((error) => ({
              level: 'error',
              message: { text: error.message },
              ...(error.functionName === undefined
                ? {}
                : { locations: [{ logicalLocations: [{ name: error.functionName, kind: 'function' }] }] }),
            })),
          },
        ],
        results,
        columnKind: 'unicodeCodePoints',
      },
    ],
  };
}
