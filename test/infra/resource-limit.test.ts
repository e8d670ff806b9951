/**
 * CloudFormation refuses a stack of more than 500 resources. Every stack of every
 * stage (the stateful and stateless stacks and the stateless stack's nested API and
 * monitoring stacks) stays under 450, so a few new functions do not break a deploy
 * (decision record 0041 has the counts and the growth budget).
 */
import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { synthAllStages } from './synth.js';

const HEADROOM_LIMIT = 450;
const all = synthAllStages();

describe('CloudFormation resource limit', () => {
  it.each([...all.keys()])(`keeps every stack of stage %s under ${HEADROOM_LIMIT} resources`, (name) => {
    const stage = all.get(name)!;
    const stacks = stage.app.node.findAll().filter((c): c is Stack => Stack.isStack(c));
    const counts = stacks.map((stack) => ({
      stack: stack.node.path,
      resources: Object.keys(Template.fromStack(stack).toJSON().Resources ?? {}).length,
    }));
    // The stage has its two top-level stacks and the two nested ones of the stateless stack.
    expect(counts.length).toBeGreaterThanOrEqual(4);
    // A failure names the stacks over the limit with their counts.
    expect(counts.filter((c) => c.resources >= HEADROOM_LIMIT)).toEqual([]);
  });
});
