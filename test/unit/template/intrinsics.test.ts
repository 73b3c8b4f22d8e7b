/**
 * CloudFormation's intrinsic functions as template mode evaluates them before deployment: what is known
 * resolves as CloudFormation would resolve it, what is not (or is malformed) becomes `Unresolved` with a
 * reason, and nothing throws.
 */
import {
  IntrinsicResolver,
  NO_VALUE,
  type Resolved,
  Unresolved,
} from '../../../shared/adapters/template/intrinsics.js';
import { parseTemplate, type TemplateObject } from '../../../shared/adapters/template/parse-template.js';
import { TemplateResourceNaming } from '../../../shared/adapters/template/resource-naming.js';

function resolverFor(
  yaml: string,
  parameters: Record<string, Resolved> = {},
): {
  resolver: IntrinsicResolver;
  body: TemplateObject;
} {
  const { body } = parseTemplate('t.yaml', yaml);
  const resources = (body.Resources ?? {}) as TemplateObject;
  const naming = new TemplateResourceNaming(
    resources,
    { account: '111122223333', region: 'eu-west-1', partition: 'aws' },
    new Set(),
  );
  const resolver = new IntrinsicResolver({
    parameters: new Map<string, Resolved>([
      ['AWS::Region', 'eu-west-1'],
      ['AWS::AccountId', '111122223333'],
      ['AWS::Partition', 'aws'],
      ...Object.entries(parameters),
    ]),
    mappings: (body.Mappings ?? {}) as TemplateObject,
    conditions: (body.Conditions ?? {}) as TemplateObject,
    resources: naming,
  });
  naming.resolver = resolver;
  return { resolver, body };
}

const TEMPLATE = `
Conditions:
  IsProd: !Equals [!Ref Stage, prod]
  IsEu: !Equals [!Ref AWS::Region, eu-west-1]
  Both: !And [!Condition IsProd, !Condition IsEu]
  Either: !Or [!Condition IsProd, !Condition IsEu]
  Unknown: !Equals [!ImportValue flag, on]
  KnownDespiteUnknown: !Or [!Condition IsEu, !Condition Unknown]
  Loop: !Not [!Condition Loop]
Mappings:
  Sizes:
    eu-west-1: { Batch: 25 }
Resources:
  Queue:
    Type: AWS::SQS::Queue
    Properties:
      QueueName: !Sub jobs-\${Stage}
  Table:
    Type: AWS::DynamoDB::Table
  Role:
    Type: AWS::IAM::Role
    Properties:
      Path: /service/
  Thing:
    Type: AWS::Some::Thing
Values:
  sub: !Sub 'arn:\${AWS::Partition}:sqs:\${AWS::Region}:\${AWS::AccountId}:\${Queue.QueueName}'
  subEscape: !Sub '\${!Literal}-\${Stage}'
  subVariables: !Sub ['\${Name}-x', { Name: !Ref Stage }]
  join: !Join [':', [a, !Ref Stage, 3]]
  select: !Select [1, !Split [',', 'a,b,c']]
  selectOut: !Select [5, [a, b]]
  ifProd: !If [IsProd, big, small]
  noValue: [a, !Ref AWS::NoValue, b]
  findInMap: !FindInMap [Sizes, !Ref AWS::Region, Batch]
  azs: !GetAZs ''
  import: !ImportValue shared-queue
  queueUrl: !Ref Queue
  stream: !GetAtt Table.StreamArn
  roleArn: !GetAtt Role.Arn
  thing: !Ref Thing
  thingAttr: !GetAtt Thing.Arn
  missing: !Ref Nowhere
  badJoin: !Join [':', notAList]
  badSub: !Sub 'arn:\${Unclosed'
  badIf: !If [IsProd, only-one]
  unknownFunction: { 'Fn::Frobnicate': [1] }
  longGetAtt: { 'Fn::GetAtt': Queue.Arn }
  length: { 'Fn::Length': [a, b, c] }
  toJson: { 'Fn::ToJsonString': { a: !Ref Stage } }
`;

describe('intrinsic functions before deployment', () => {
  const { resolver, body } = resolverFor(TEMPLATE, { Stage: 'prod' });
  const values = body.Values as TemplateObject;
  const value = (name: string): Resolved => resolver.resolve(values[name]);

  it.each([
    ['sub', 'arn:aws:sqs:eu-west-1:111122223333:jobs-prod'],
    ['subEscape', '${Literal}-prod'],
    ['subVariables', 'prod-x'],
    ['join', 'a:prod:3'],
    ['select', 'b'],
    ['ifProd', 'big'],
    ['findInMap', 25],
    ['queueUrl', 'https://sqs.eu-west-1.amazonaws.com/111122223333/jobs-prod'],
    ['stream', 'arn:aws:dynamodb:eu-west-1:111122223333:table/Table/stream/1970-01-01T00:00:00.000'],
    ['roleArn', 'arn:aws:iam::111122223333:role/service/Role'],
    ['longGetAtt', 'arn:aws:sqs:eu-west-1:111122223333:jobs-prod'],
    ['length', 3],
    ['toJson', '{"a":"prod"}'],
  ])('resolves %s', (name, expected) => {
    expect(value(name)).toEqual(expected);
  });

  it('drops AWS::NoValue from lists and gives the zones of the region', () => {
    expect(value('noValue')).toEqual(['a', 'b']);
    expect(value('azs')).toEqual(['eu-west-1a', 'eu-west-1b', 'eu-west-1c']);
    expect(resolver.resolve({ Ref: 'AWS::NoValue' })).toBe(NO_VALUE);
  });

  it.each([
    ['import', /Fn::ImportValue shared-queue: an export of another stack/],
    ['thing', /physical ID of Thing \(AWS::Some::Thing\) is known only after deployment/],
    ['thingAttr', /known only after deployment/],
    ['missing', /Ref Nowhere: no parameter or resource of that name/],
    ['badJoin', /malformed Fn::Join/],
    ['badSub', /malformed Fn::Sub/],
    ['badIf', /malformed Fn::If/],
    ['unknownFunction', /unknown intrinsic function Fn::Frobnicate/],
    ['selectOut', /Fn::Select: index 5 is not within/],
  ])('leaves %s unresolved with its reason, without throwing', (name, reason) => {
    const resolved = value(name);
    expect(resolved).toBeInstanceOf(Unresolved);
    expect((resolved as Unresolved).reason).toMatch(reason);
  });

  it('decides conditions, including an Or that one known operand decides', () => {
    expect(resolver.condition('Both')).toBe(true);
    expect(resolver.condition('Either')).toBe(true);
    expect(resolver.condition('KnownDespiteUnknown')).toBe(true);
    expect(resolver.condition('Unknown')).toBeInstanceOf(Unresolved);
    expect((resolver.condition('Loop') as Unresolved).reason).toMatch(/refers to itself/);
    expect((resolver.condition('Nope') as Unresolved).reason).toMatch(/not defined in Conditions/);
  });

  it('reads a parameter without a value as unresolved, naming the option that gives it', () => {
    const { resolver: bare, body: bareBody } = resolverFor(TEMPLATE, {
      Stage: new Unresolved('the parameter Stage has no default: give it with --parameter Stage=VALUE'),
    });
    const resolved = bare.resolve((bareBody.Values as TemplateObject).sub);
    expect((resolved as Unresolved).reason).toContain('--parameter Stage=VALUE');
  });
});

describe('template parsing', () => {
  it('reads short-form intrinsics as their long forms and keeps the line of each resource', () => {
    const parsed = parseTemplate(
      't.yaml',
      'Resources:\n  A:\n    Type: X\n    Properties:\n      R: !GetAtt B.Arn\n      S: !Sub [a, {}]\n',
    );
    const a = (parsed.body.Resources as TemplateObject).A as TemplateObject;
    expect((a.Properties as TemplateObject).R).toEqual({ 'Fn::GetAtt': ['B', 'Arn'] });
    expect((a.Properties as TemplateObject).S).toEqual({ 'Fn::Sub': ['a', {}] });
    expect(parsed.lineOf(a)).toBe(2);
  });

  it('reads JSON templates with their lines', () => {
    const parsed = parseTemplate('t.json', '{\n  "Resources": {\n    "A": { "Type": "X" }\n  }\n}\n');
    expect(parsed.lineOf((parsed.body.Resources as TemplateObject).A)).toBe(3);
  });

  it.each([
    ['a: [unclosed\n', /t\.yaml:\d+: not a valid JSON or YAML template/],
    ['a: 1\na: 2\n', /t\.yaml:2: .*unique/],
    ['a: !NotAFunction x\n', /t\.yaml:1: unknown tag !NotAFunction/],
    ['- just\n- a list\n', /t\.yaml: a template must be a mapping/],
    [`${'['.repeat(300)}${']'.repeat(300)}`, /nests deeper than 200 levels/],
  ])('rejects bad text with the file, the line and what is wrong: %j', (text, message) => {
    expect(() => parseTemplate('t.yaml', text)).toThrow(message);
  });

  it('refuses an alias bomb instead of expanding it', () => {
    const bomb = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 0; i < 8; i++)
      bomb.push(
        `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [${Array(10)
          .fill(`*${String.fromCharCode(97 + i)}`)
          .join(', ')}]`,
      );
    expect(() => parseTemplate('bomb.yaml', bomb.join('\n'))).toThrow(/bomb\.yaml/);
  });
});
