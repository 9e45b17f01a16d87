import { CloudwatchMetricAlarm } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import type { LambdaFunction } from '@cdktf/provider-aws/lib/lambda-function';
import type { SqsQueue } from '@cdktf/provider-aws/lib/sqs-queue';
import { Construct } from 'constructs';

/**
 * Alarms: any message in a dead-letter queue (a job that will not finish by itself) and any error of
 * a function (an unhandled exception or a timeout). Both are "someone should look", so threshold 0.
 */
export class PipelineAlarms extends Construct {
  readonly alarms: CloudwatchMetricAlarm[] = [];

  constructor(
    scope: Construct,
    id: string,
    props: { namePrefix: string; deadLetterQueues: Record<string, SqsQueue>; functions: Record<string, LambdaFunction>; actions: string[] },
  ) {
    super(scope, id);
    // Both kinds are "someone should look": alarm on anything at all in a five-minute window.
    const anyInFiveMinutes = {
      period: 300,
      evaluationPeriods: 1,
      threshold: 0,
      comparisonOperator: 'GreaterThanThreshold',
      treatMissingData: 'notBreaching',
      alarmActions: props.actions,
      okActions: props.actions,
    };
    for (const [name, queue] of Object.entries(props.deadLetterQueues)) {
      this.alarms.push(
        new CloudwatchMetricAlarm(this, `${name}-dlq-depth`, {
          alarmName: `${props.namePrefix}-${name}-dlq-not-empty`,
          alarmDescription: `Events in the ${name} dead-letter queue: jobs that failed every retry. Inspect, fix, then redrive.`,
          namespace: 'AWS/SQS',
          metricName: 'ApproximateNumberOfMessagesVisible',
          dimensions: { QueueName: queue.name },
          statistic: 'Maximum',
          ...anyInFiveMinutes,
        }),
      );
    }
    for (const [name, fn] of Object.entries(props.functions)) {
      this.alarms.push(
        new CloudwatchMetricAlarm(this, `${name}-errors`, {
          alarmName: `${props.namePrefix}-${name}-errors`,
          alarmDescription: `The ${name} function failed (exception or timeout) in the last 5 minutes.`,
          namespace: 'AWS/Lambda',
          metricName: 'Errors',
          dimensions: { FunctionName: fn.functionName },
          statistic: 'Sum',
          ...anyInFiveMinutes,
        }),
      );
    }
  }
}
