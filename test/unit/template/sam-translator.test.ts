/**
 * Template mode's SAM transform against the real one: each SAM template of the fixtures is read twice,
 * through our transform and through the CloudFormation the AWS SAM translator (aws-sam-translator, the
 * reference, as moto is for the AWS APIs) makes of it; both must give the same functions, mappings,
 * invoke configs, roles, policies and boundaries. The fixtures cover every pull event type, the
 * settings that add to a generated role, and the forms of `Policies`; the AWS examples folder holds
 * AWS's published SAM examples of event sources.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../../support/run-cli.js';
import { comparable, piecesOfSam, piecesOfTranslation } from '../../support/template-audit.js';

const folders = ['test/fixtures/templates/sam', 'test/fixtures/templates/sam-aws-examples'];
const fixtures = folders.flatMap((folder) =>
  readdirSync(join(projectRoot, folder))
    .filter((name) => name.endsWith('.yaml'))
    .sort()
    .map((name) => join(projectRoot, folder, name)),
);

describe('the SAM transform', () => {
  it('has fixtures in both folders', () => {
    expect(fixtures.filter((file) => file.includes('/sam/')).length).toBeGreaterThanOrEqual(2);
    expect(fixtures.filter((file) => file.includes('sam-aws-examples')).length).toBeGreaterThanOrEqual(5);
  });

  it.each(fixtures.map((file) => [file.slice(projectRoot.length + 1), file]))(
    'reads %s as the SAM translator translates it',
    (_name, file) => {
      const ours = piecesOfSam(file);
      const reference = piecesOfTranslation(file);
      expect(ours.functions.length).toBeGreaterThan(0);
      expect(comparable(ours)).toEqual(comparable(reference));
    },
  );
});
