import { CloudwatchMetricAlarm } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import type { CloudwatchEventRule } from '@cdktf/provider-aws/lib/cloudwatch-event-rule';
import type { LambdaFunction } from '@cdktf/provider-aws/lib/lambda-function';
import { SnsTopic } from '@cdktf/provider-aws/lib/sns-topic';
import { SnsTopicSubscription } from '@cdktf/provider-aws/lib/sns-topic-subscription';
import type { SqsQueue } from '@cdktf/provider-aws/lib/sqs-queue';
import { Fn, Token } from 'cdktf';
import { Construct } from 'constructs';

export interface PipelineAlarmsProps {
  namePrefix: string;
  /** Work queues whose oldest message must not wait longer than `queueAgeSeconds`. */
  workQueues: Record<string, SqsQueue>;
  queueAgeSeconds: number;
  deadLetterQueues: Record<string, SqsQueue>;
  functions: Record<string, LambdaFunction>;
  /** The function behind the Function URL (its 5xx answers). */
  urlFunction: LambdaFunction;
  rules: Record<string, CloudwatchEventRule>;
  remotionFunctionName: string;
  /** E-mail subscribed to the alarm topic ("" for none; the address must confirm the subscription). */
  alarmEmail: string;
  /** Further ARNs to notify (another topic, a chat integration). */
  extraActions: string[];
}

/**
 * Alarms, all sent to one SNS topic (with the operator's e-mail when given): anything dead-lettered,
 * a queue whose oldest message waits too long (LTX or render capacity falling behind a backlog), any
 * function error or throttle, the web API answering 5xx through its URL, EventBridge failing to
 * deliver to a target, and Remotion's own function failing.
 */
export class PipelineAlarms extends Construct {
  readonly alarms: CloudwatchMetricAlarm[] = [];
  readonly topic: SnsTopic;

  constructor(scope: Construct, id: string, props: PipelineAlarmsProps) {
    super(scope, id);
    this.topic = new SnsTopic(this, 'topic', { name: `${props.namePrefix}-alarms` });
    new SnsTopicSubscription(this, 'email', {
      // One subscription when an address is given, none for "" (min(length, 1)).
      count: Fn.min([Fn.lengthOf(props.alarmEmail), 1]),
      topicArn: this.topic.arn,
      protocol: 'email',
      endpoint: props.alarmEmail,
    });
    const actions = Token.asList(Fn.concat([[this.topic.arn], props.extraActions]));
    // "Someone should look": anything at all in a five-minute window.
    const anyInFiveMinutes = {
      period: 300,
      evaluationPeriods: 1,
      threshold: 0,
      comparisonOperator: 'GreaterThanThreshold',
      treatMissingData: 'notBreaching',
      alarmActions: actions,
      okActions: actions,
    };
    const alarm = (alarmId: string, name: string, description: string, metric: { namespace: string; metricName: string; dimensions: Record<string, string>; statistic: string }, over: Record<string, unknown> = {}) =>
      this.alarms.push(new CloudwatchMetricAlarm(this, alarmId, { alarmName: `${props.namePrefix}-${name}`, alarmDescription: description, ...metric, ...anyInFiveMinutes, ...over }));

    for (const [name, queue] of Object.entries(props.deadLetterQueues)) {
      alarm(`${name}-dlq-depth`, `${name}-dlq-not-empty`, `Events in the ${name} dead-letter queue: jobs that failed every retry. Inspect, fix, then redrive.`, {
        namespace: 'AWS/SQS', metricName: 'ApproximateNumberOfMessagesVisible', dimensions: { QueueName: queue.name }, statistic: 'Maximum',
      });
    }
    for (const [name, queue] of Object.entries(props.workQueues)) {
      alarm(`${name}-queue-age`, `${name}-queue-backlog`, `The oldest message in the ${name} queue has waited too long: capacity is behind the uploads (jobs stay queued).`, {
        namespace: 'AWS/SQS', metricName: 'ApproximateAgeOfOldestMessage', dimensions: { QueueName: queue.name }, statistic: 'Maximum',
      }, { threshold: props.queueAgeSeconds, evaluationPeriods: 2 });
    }
    for (const [name, fn] of Object.entries(props.functions)) {
      alarm(`${name}-errors`, `${name}-errors`, `The ${name} function failed (exception or timeout) in the last 5 minutes.`, {
        namespace: 'AWS/Lambda', metricName: 'Errors', dimensions: { FunctionName: fn.functionName }, statistic: 'Sum',
      });
      alarm(`${name}-throttles`, `${name}-throttles`, `The ${name} function was throttled: the account's concurrency is exhausted (Remotion renders share it).`, {
        namespace: 'AWS/Lambda', metricName: 'Throttles', dimensions: { FunctionName: fn.functionName }, statistic: 'Sum',
      });
    }
    alarm('api-url-5xx', 'api-url-5xx', 'The web API answered 5xx through its Function URL: uploads or webhooks are failing.', {
      namespace: 'AWS/Lambda', metricName: 'Url5xxCount', dimensions: { FunctionName: props.urlFunction.functionName }, statistic: 'Sum',
    });
    for (const [name, rule] of Object.entries(props.rules)) {
      alarm(`${name}-rule-failed`, `${name}-rule-failed-invocations`, `EventBridge could not deliver ${name} events to their target (after its retries they go to the dead-letter queue).`, {
        namespace: 'AWS/Events', metricName: 'FailedInvocations', dimensions: { RuleName: rule.name }, statistic: 'Sum',
      });
    }
    alarm('remotion-errors', 'remotion-errors', 'The Remotion render function failed: renders end in error webhooks or never report.', {
      namespace: 'AWS/Lambda', metricName: 'Errors', dimensions: { FunctionName: props.remotionFunctionName }, statistic: 'Sum',
    });
  }
}
