/**
 * CDK entry point (cdk.json `app`). Builds every stage in lib/config/stages.ts,
 * or only the one named by `-c stage=<name>`: `npx cdk deploy -c stage=dev --all`.
 * `-c nag=true` also runs the cdk-nag AwsSolutions and Serverless packs as CDK
 * validation plugins (the infra tests always run them): an unacknowledged
 * finding fails synthesis.
 */
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { buildApp } from '../lib/app.js';
import { stageConfig, stages } from '../lib/config/stages.js';

const app = new App();
const only: unknown = app.node.tryGetContext('stage');
buildApp(app, typeof only === 'string' ? [stageConfig(only)] : Object.values(stages));
const nag: unknown = app.node.tryGetContext('nag');
if (nag === true || nag === 'true') {
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new ServerlessChecks(app));
}
