/**
 * CDK entry point (cdk.json `app`). Builds every stage in lib/config/stages.ts,
 * or only the one named by `-c stage=<name>`: `npx cdk deploy -c stage=dev --all`.
 */
import { App } from 'aws-cdk-lib';
import { buildApp } from '../lib/app.js';
import { stageConfig, stages } from '../lib/config/stages.js';

const app = new App();
const only: unknown = app.node.tryGetContext('stage');
buildApp(app, typeof only === 'string' ? [stageConfig(only)] : Object.values(stages));
