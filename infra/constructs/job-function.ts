import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Duration, Lazy, RemovalPolicy, Size, Stack, Stage } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { AnyPrincipal, Effect, Policy, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, Runtime } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { BUNDLED_CONFIG_FILE, ENV } from '../../shared/app/env.ts';
import type { Config } from '../../shared/config/schema.ts';
import { BUNDLE, EXTERNAL_MODULES, nodeOptions, sideModuleCommands } from '../bundling.ts';
import { foundationModelArn, foundationModelIdOf, inferenceProfileArn, isInferenceProfileId } from '../../shared/classify/bedrock/model-id.ts';
import { bedrockModels, comprehendRegions } from '../stack-settings.ts';
import type { ExportsBucket } from './exports-bucket.ts';

/** Every DynamoDB call shared/store makes; a new kind of call there needs a line here. */
export const TABLE_ACTIONS = [
  'dynamodb:GetItem',
  'dynamodb:Query',
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:BatchWriteItem',
  // The pull reads the stored last posts of the accounts it judges in batches (PullContext.known, Bluesky).
  'dynamodb:BatchGetItem',
] as const;

/** The Comprehend calls shared/classify/comprehend makes (it batches; the single call is for one-off texts). */
export const COMPREHEND_ACTIONS = ['comprehend:DetectSentiment', 'comprehend:BatchDetectSentiment'] as const;

/** The one Bedrock action Converse needs (the API reference: "requires permission for the bedrock:InvokeModel action"). */
export const BEDROCK_ACTIONS = ['bedrock:InvokeModel'] as const;

export interface JobFunctionProps {
  /** Absolute path of the handler source. */
  entry: string;
  /** Repository root (package-lock.json lives there). */
  projectRoot: string;
  /** The validated config, shipped inside the bundle. */
  config: Config;
  memoryMb: number;
  timeoutSeconds: number;
  logRetention: RetentionDays;
  /** Where failed asynchronous invocations go after Lambda's own retries (none for the steps: Step Functions invokes them synchronously and retries itself). */
  deadLetterQueue?: IQueue;
  environment?: Record<string, string>;
  description?: string;
  /** Whether this function classifies reply tone (gets the Comprehend grant when a profile picks Comprehend). Default true. */
  classifiesTone?: boolean;
  /** /tmp size (default Lambda's 512 MB): the functions that pull exports download them there. */
  ephemeralStorageMb?: number;
}

/**
 * The one place for function defaults (runtime, architecture, bundling,
 * logging, role): the stack only says what is specific to the job.
 */
export class JobFunction extends NodejsFunction {
  readonly logGroupOfFunction: LogGroup;
  /** The sentiment grant, only when a profile's tone classifier is Comprehend (its own policy, so cdk-nag's acknowledgement covers it alone). */
  readonly comprehendPolicy: Policy | undefined;
  /** The model grant, only when a profile's tone classifier is Bedrock: InvokeModel on that model (and its inference profile) only. */
  readonly bedrockPolicy: Policy | undefined;
  /** Foundation models granted in every Region, through an inference profile only (cdk-nag's IAM5 sees the `*` Region). */
  readonly bedrockModelsThroughProfiles: string[];

  constructor(scope: Construct, id: string, props: JobFunctionProps) {
    const logGroup = new LogGroup(scope, `${id}Logs`, {
      retention: props.logRetention,
      // Logs outlive a redeploy that replaces the function, not a deleted stack.
      removalPolicy: RemovalPolicy.DESTROY,
    });
    // An own role with only what the job uses: no AWSLambdaBasicExecutionRole (it allows every log group).
    const role = new Role(scope, `${id}Role`, {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: 'followback job function',
    });
    logGroup.grantWrite(role);
    const configFile = writeBundledConfig(scope, id, props.config);

    super(scope, id, {
      entry: props.entry,
      projectRoot: props.projectRoot,
      depsLockFilePath: join(props.projectRoot, 'package-lock.json'),
      handler: 'handler',
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      memorySize: props.memoryMb,
      timeout: Duration.seconds(props.timeoutSeconds),
      ...(props.ephemeralStorageMb !== undefined ? { ephemeralStorageSize: Size.mebibytes(props.ephemeralStorageMb) } : {}),
      logGroup,
      role,
      ...(props.deadLetterQueue !== undefined ? { deadLetterQueue: props.deadLetterQueue, retryAttempts: 2, maxEventAge: Duration.hours(6) } : {}),
      description: props.description ?? 'followback: pulls snapshots, stores history, emails the pruning report',
      environment: {
        NODE_OPTIONS: nodeOptions(props.memoryMb),
        [ENV.configPath]: BUNDLED_CONFIG_FILE,
        ...props.environment,
      },
      bundling: {
        format: OutputFormat.ESM,
        target: BUNDLE.target,
        minify: BUNDLE.minify,
        sourceMap: BUNDLE.sourceMap,
        sourcesContent: BUNDLE.sourcesContent,
        mainFields: [...BUNDLE.mainFields],
        bundleAwsSDK: BUNDLE.bundleAwsSdk,
        externalModules: [...EXTERNAL_MODULES],
        banner: BUNDLE.banner,
        commandHooks: {
          beforeBundling: () => [],
          beforeInstall: () => [],
          // The config travels as a file in the asset (an env var caps at 4 KB and shows in the console);
          // the asset hash covers it, so a config change redeploys the function.
          afterBundling: (inputDir: string, outputDir: string) => [
            `node -e "require('node:fs').copyFileSync(process.argv[1], process.argv[2])" ${JSON.stringify(configFile)} ${JSON.stringify(join(outputDir, BUNDLED_CONFIG_FILE))}`,
            // What index.mjs leaves out (eld's language tables) beside it, loaded on first use.
            ...sideModuleCommands(inputDir, outputDir),
          ],
        },
      },
    });
    this.logGroupOfFunction = logGroup;
    this.comprehendPolicy = props.classifiesTone === false ? undefined : grantComprehendSentiment(scope, id, this, role, props.config);
    const bedrock = props.classifiesTone === false ? undefined : grantBedrockModel(scope, id, this, role, props.config);
    this.bedrockPolicy = bedrock?.policy;
    this.bedrockModelsThroughProfiles = bedrock?.throughProfiles ?? [];
  }

  /** The store's item operations on the table (no scans, no streams, no admin), and its name in the environment. */
  bindTable(table: ITable): void {
    table.grant(this, ...TABLE_ACTIONS);
    this.addEnvironment(ENV.tableName, table.tableName);
  }

  /**
   * Reads the export sources' prefixes of the exports bucket (its own policy, so cdk-nag's acknowledgement of
   * the object wildcard covers it alone), and gets the bucket's name in the environment. Undefined (and no
   * variable) when the config has no export source.
   */
  readExports(exports: ExportsBucket): Policy | undefined {
    const statements = exports.readStatements();
    if (statements.length === 0) return undefined;
    const policy = new Policy(this.node.scope as Construct, `${this.node.id}ExportsRead`, { statements });
    const role = this.role;
    if (role === undefined) throw new Error(`${this.node.path} has no role to read the exports with`);
    policy.attachToRole(role);
    // A run right after a deploy must not find the function without its grant.
    this.node.addDependency(policy);
    this.addEnvironment(ENV.exportsBucket, exports.bucket.bucketName);
    exports.acknowledgeObjectWildcards(policy);
    return policy;
  }

  /** Read access to exactly these secrets, nothing else (see `onlyTheseFunctionsReadTheTokens` for everyone else). */
  bindSecrets(secrets: ISecret[]): void {
    for (const secret of secrets) secret.grantRead(this);
  }

  /**
   * Writes a refreshed API token back to its own secret (shared/secrets/secrets-manager-writer.ts):
   * `PutSecretValue` on exactly these secrets, the Instagram, Threads and X tokens a pull refreshes.
   */
  bindTokenWrites(secrets: ISecret[]): void {
    if (secrets.length === 0) return;
    this.addToRolePolicy(new PolicyStatement({ sid: 'KeepRefreshedApiTokens', actions: ['secretsmanager:PutSecretValue'], resources: secrets.map((s) => s.secretArn) }));
  }
}

/** The role ARNs each token secret's resource policy lets read it; later readers are added by `alsoReadsTheTokens`. */
const tokenReaders = new WeakMap<ISecret, string[]>();

function roleArnOf(fn: JobFunction): string {
  const arn = fn.role?.roleArn;
  if (arn === undefined) throw new Error(`${fn.node.path} has no role to read the secrets with`);
  return arn;
}

/**
 * Readable only by the functions that pull (and, with acting on, the decision page; see
 * `alsoReadsTheTokens`): even an administrator's identity policy cannot read a token
 * (they can still put a new value, which is how tokens are set and rotated). One statement per secret
 * naming every reader: a Deny per reader would deny each reader to the others.
 */
export function onlyTheseFunctionsReadTheTokens(secrets: ISecret[], readers: JobFunction[]): void {
  const roleArns = readers.map(roleArnOf);
  for (const secret of secrets) {
    const arns = [...roleArns];
    tokenReaders.set(secret, arns);
    secret.addToResourcePolicy(
      new PolicyStatement({
        sid: 'OnlyTheJobFunctionsReadTheToken',
        effect: Effect.DENY,
        principals: [new AnyPrincipal()],
        actions: ['secretsmanager:GetSecretValue'],
        resources: ['*'],
        // Lazy: a reader added after this call (the decision page is built later) is listed too.
        conditions: { StringNotEquals: { 'aws:PrincipalArn': Lazy.any({ produce: () => (arns.length === 1 ? arns[0] : [...arns]) }) } },
      }),
    );
  }
}

/** One more function that reads the tokens: the identity grant and the resource policy's exception together. */
export function alsoReadsTheTokens(secrets: ISecret[], fn: JobFunction): void {
  for (const secret of secrets) {
    const arns = tokenReaders.get(secret);
    if (arns === undefined) throw new Error(`${secret.node.path}: its resource policy (onlyTheseFunctionsReadTheTokens) must be set before adding a reader`);
    arns.push(roleArnOf(fn));
    secret.grantRead(fn);
  }
}

/**
 * Comprehend's sentiment actions have no resource type (IAM Service Authorization
 * Reference: the Resource column is empty), so the statement names `*`; the
 * region condition keeps it to the regions the config calls (`tone.region`, or
 * the function's own).
 */
function grantComprehendSentiment(scope: Construct, id: string, fn: NodejsFunction, role: Role, config: Config): Policy | undefined {
  const regions = comprehendRegions(config);
  if (regions === undefined) return undefined;
  const policy = new Policy(scope, `${id}ComprehendSentiment`, {
    statements: [
      new PolicyStatement({
        sid: 'ClassifyReplyToneWithComprehend',
        actions: [...COMPREHEND_ACTIONS],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:RequestedRegion': [...new Set(regions.map((r) => r ?? Stack.of(scope).region))] } },
      }),
    ],
  });
  policy.attachToRole(role);
  // A run right after a deploy must not find the function without its grant.
  fn.node.addDependency(policy);
  return policy;
}

/**
 * InvokeModel on the configured model only: its foundation-model ARN in the
 * region the profile calls (`tone.region`, or the function's own). A
 * cross-Region inference profile id (`us.…`, `eu.…`) is granted on the profile's
 * ARN, and on the model behind it in any Region only when the request comes
 * through that profile (the `bedrock:InferenceProfileArn` condition): the
 * profile routes to Regions the stack cannot list ("Prerequisites for inference
 * profiles": the model must be allowed in each Region of the profile).
 */
function grantBedrockModel(scope: Construct, id: string, fn: NodejsFunction, role: Role, config: Config): { policy: Policy; throughProfiles: string[] } | undefined {
  const models = bedrockModels(config);
  if (models === undefined) return undefined;
  const stack = Stack.of(scope);
  const direct: string[] = [];
  const profiles: { arn: string; modelArn: string; model: string }[] = [];
  for (const { modelId, region } of models) {
    const where = region ?? stack.region;
    if (!isInferenceProfileId(modelId)) direct.push(foundationModelArn(stack.partition, where, modelId));
    else profiles.push({ arn: inferenceProfileArn(stack.partition, where, stack.account, modelId), modelArn: foundationModelArn(stack.partition, '*', modelId), model: foundationModelIdOf(modelId) });
  }
  const statements = [
    new PolicyStatement({ sid: 'ClassifyReplyToneWithBedrock', actions: [...BEDROCK_ACTIONS], resources: [...new Set([...direct, ...profiles.map((p) => p.arn)])] }),
  ];
  const byModel = new Map<string, string[]>();
  for (const p of profiles) byModel.set(p.modelArn, [...new Set([...(byModel.get(p.modelArn) ?? []), p.arn])]);
  for (const [modelArn, arns] of byModel) {
    statements.push(
      new PolicyStatement({
        sid: `BedrockModelThroughProfile${statements.length}`,
        actions: [...BEDROCK_ACTIONS],
        resources: [modelArn],
        conditions: { StringEquals: { 'bedrock:InferenceProfileArn': arns.length === 1 ? arns[0] : arns } },
      }),
    );
  }
  const policy = new Policy(scope, `${id}BedrockModel`, { statements });
  policy.attachToRole(role);
  // A run right after a deploy must not find the function without its grant.
  fn.node.addDependency(policy);
  return { policy, throughProfiles: [...new Set(profiles.map((p) => p.model))] };
}

/** The validated config (defaults applied) written where the bundling hook can copy it from. */
function writeBundledConfig(scope: Construct, id: string, config: Config): string {
  const outdir = Stage.of(scope)?.outdir ?? process.cwd();
  const file = join(outdir, `${Stack.of(scope).stackName}-${id}-${BUNDLED_CONFIG_FILE}`);
  writeFileSync(file, `${JSON.stringify(config, null, 2)}\n`);
  return file;
}
