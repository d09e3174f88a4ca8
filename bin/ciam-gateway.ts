import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { CiamGatewayStack } from '../lib/ciam-gateway-stack';
import { resolveStageConfig } from '../lib/stage-config';

const app = new App();
const stage: unknown = app.node.tryGetContext('stage') ?? 'dev';
const stageConfig = resolveStageConfig(String(stage));

new CiamGatewayStack(app, `CiamGateway-${stageConfig.stage}`, {
  stageConfig,
  description: `Multi-brand CIAM gateway (${stageConfig.stage})`,
});

// Synth fails on any AwsSolutions finding that is not acknowledged, with its reason, where it is raised.
Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
