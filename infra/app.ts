/**
 * The CDK app (`cdk.json` runs it with tsx). It reads the same config file as
 * the CLI: `npx cdk deploy -c config=path/to/config.json`, default
 * followback.config.json, falling back to the example.
 */
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { loadConfigFile } from '../shared/config/load-config.ts';
import { FollowbackStack } from './followback-stack.ts';
import { resolveConfigPath } from './stack-settings.ts';

const app = new App();
const configPath = resolveConfigPath(app.node.tryGetContext('config'), process.cwd());
const config = await loadConfigFile(configPath);

new FollowbackStack(app, config.deploy?.stackName ?? 'Followback', {
  config,
  configOrigin: configPath,
  env: { account: process.env['CDK_DEFAULT_ACCOUNT'], region: process.env['CDK_DEFAULT_REGION'] },
});
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
app.synth();
