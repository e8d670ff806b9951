/**
 * Small readers over synthesized CloudFormation templates, shared by the infra
 * tests: resources by type, references, IAM statements, a function's role and
 * environment (functions found by their manifest name tag, synth.ts).
 */
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { functionLogicalId } from './synth.js';

export const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** `{ "Fn::GetAtt": [id, "Arn"] }` */
export const arnOf = (logicalId: string) => ({ 'Fn::GetAtt': [logicalId, 'Arn'] });

/** The Properties of a resource (an empty object when it has none). */
export const propertiesOf = (resource: unknown): Record<string, unknown> =>
  isRecord(resource) && isRecord(resource.Properties) ? resource.Properties : {};

/** [logical id, Properties] of every resource of a type. */
export const resourcesOfType = (template: Template, type: string): [string, Record<string, unknown>][] =>
  Object.entries(template.findResources(type)).map(([id, resource]) => [id, propertiesOf(resource)]);

/** The logical id behind `{ Ref }` or `{ Fn::GetAtt: [id, ...] }`. */
export const refId = (value: unknown): string | undefined => {
  if (!isRecord(value)) return undefined;
  if (typeof value.Ref === 'string') return value.Ref;
  const getAtt = value['Fn::GetAtt'];
  return Array.isArray(getAtt) && typeof getAtt[0] === 'string' ? getAtt[0] : undefined;
};

/** A nested property, or undefined: `at(props, 'DestinationConfig', 'OnFailure', 'Destination')`. */
export const at = (value: unknown, ...path: string[]): unknown =>
  path.reduce<unknown>((node, key) => (isRecord(node) ? node[key] : undefined), value);

/** Every IAM policy statement anywhere under a node (role, policy and resource policies). */
export const statementsIn = (node: unknown): Record<string, unknown>[] => {
  if (Array.isArray(node)) return node.flatMap(statementsIn);
  if (!isRecord(node)) return [];
  const own = Array.isArray(node.Statement) ? node.Statement.filter(isRecord) : [];
  return [...own, ...Object.entries(node).flatMap(([key, value]) => (key === 'Statement' ? [] : statementsIn(value)))];
};

export const actionsOf = (statement: Record<string, unknown>): string[] => {
  const action = statement.Action;
  return (Array.isArray(action) ? action : [action]).filter((a): a is string => typeof a === 'string');
};

/** Every Resource of a statement (one or a list). */
export const resourcesOf = (statement: Record<string, unknown>): unknown[] =>
  Array.isArray(statement.Resource) ? statement.Resource : [statement.Resource];

/** The logical id of a manifest function's execution role. */
export const roleIdOf = (template: Template, fnName: string): string => {
  const fn = template.findResources('AWS::Lambda::Function')[functionLogicalId(template, fnName)];
  const roleId = refId(propertiesOf(fn).Role);
  if (roleId === undefined) throw new Error(`${fnName} has no role reference`);
  return roleId;
};

/** Statements of the IAM policies attached to a manifest function's role. */
export const roleStatements = (template: Template, fnName: string): Record<string, unknown>[] => {
  const policies = template.findResources('AWS::IAM::Policy', {
    Properties: { Roles: Match.arrayWith([{ Ref: roleIdOf(template, fnName) }]) },
  });
  return statementsIn(policies);
};

/** A manifest function's environment variables. */
export const environmentOf = (template: Template, fnName: string): Record<string, unknown> => {
  const fn = template.findResources('AWS::Lambda::Function')[functionLogicalId(template, fnName)];
  const variables = at(propertiesOf(fn), 'Environment', 'Variables');
  return isRecord(variables) ? variables : {};
};
