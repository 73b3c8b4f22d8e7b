/**
 * Colour for people, plain text for pipes and files. The conventions are the common ones: `NO_COLOR`
 * (https://no-color.org) turns colour off, `FORCE_COLOR` turns it on (`0` or `false` off) and wins over
 * `NO_COLOR`, as in Node.js itself; otherwise colour only on a terminal that is not `TERM=dumb`.
 */
import type { Severity } from '../../domain/report.js';

export interface Paint {
  severity(severity: Severity, text: string): string;
  bold(text: string): string;
  dim(text: string): string;
  green(text: string): string;
}

export function wantsColour(env: Readonly<Record<string, string | undefined>>, isTTY: boolean): boolean {
  const force = env.FORCE_COLOR;
  if (force !== undefined) return force !== '0' && force.toLowerCase() !== 'false';
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  return isTTY && env.TERM !== 'dumb';
}

const SEVERITY_CODES: Record<Severity, string> = {
  critical: '1;35',
  high: '1;31',
  medium: '33',
  low: '36',
  info: '2',
};

const sgr = (code: string, text: string): string => `\u001b[${code}m${text}\u001b[0m`;

export function createPaint(colour: boolean): Paint {
  if (!colour) {
    const plain = (_: unknown, text: string): string => text;
    const same = (text: string): string => text;
    return { severity: plain, bold: same, dim: same, green: same };
  }
  return {
    severity: (severity, text) => sgr(SEVERITY_CODES[severity], text),
    bold: (text) => sgr('1', text),
    dim: (text) => sgr('2', text),
    green: (text) => sgr('32', text),
  };
}
