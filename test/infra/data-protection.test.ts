/**
 * Data protection per stage, as the stage config says: point-in-time recovery,
 * deletion protection and retention of the table (and the secrets and key),
 * encryption at rest with an AWS-owned or the stage's own rotated KMS key, and
 * an archive of every event on the bus for replay.
 */
import { RemovalPolicy } from 'aws-cdk-lib';
import { eventSources } from '../../events/catalogue.js';
import { stageConfig } from '../../lib/config/stages.js';
import { synthAllStages } from './synth.js';
import { arnOf, resourcesOfType } from './templates.js';

const all = [...synthAllStages()];

describe.each(all)('stage %s', (name, stage) => {
  const config = stageConfig(name);
  const policy = config.removalPolicy === RemovalPolicy.RETAIN ? 'Retain' : 'Delete';
  const [[tableId, table] = ['', {}], ...otherTables] = resourcesOfType(stage.stateful, 'AWS::DynamoDB::Table');
  const keys = resourcesOfType(stage.stateful, 'AWS::KMS::Key');

  it('has one table, with point-in-time recovery and deletion protection as configured', () => {
    expect(otherTables).toEqual([]);
    expect(table).toMatchObject({
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: config.pointInTimeRecovery },
      DeletionProtectionEnabled: config.deletionProtection,
    });
  });

  it(`keeps the table, its key and the secrets on stack deletion: ${policy}`, () => {
    stage.stateful.hasResource('AWS::DynamoDB::Table', { DeletionPolicy: policy, UpdateReplacePolicy: policy });
    for (const type of ['AWS::SecretsManager::Secret', 'AWS::KMS::Key']) {
      for (const resource of Object.values(stage.stateful.findResources(type))) {
        expect(resource).toMatchObject({ DeletionPolicy: policy, UpdateReplacePolicy: policy });
      }
    }
  });

  it(`encrypts the table at rest with ${config.tableEncryption === 'aws-owned' ? 'an AWS-owned key' : 'the stage key, rotated'}`, () => {
    if (config.tableEncryption === 'aws-owned') {
      expect(table.SSESpecification ?? { SSEEnabled: false }).toEqual({ SSEEnabled: false });
      expect(keys).toEqual([]);
      return;
    }
    expect(keys).toHaveLength(1);
    const [[keyId, key] = ['', {}]] = keys;
    expect(key).toMatchObject({ EnableKeyRotation: true });
    expect(table.SSESpecification).toEqual({ SSEEnabled: true, SSEType: 'KMS', KMSMasterKeyId: arnOf(keyId) });
    expect(stage.stacks.stateful.table.encryptionKey).toBeDefined();
  });

  it(`archives every event of the bus for ${config.archiveRetentionDays || 'unlimited'} days`, () => {
    const [[busId] = ['']] = resourcesOfType(stage.stateful, 'AWS::Events::EventBus');
    const archives = resourcesOfType(stage.stateful, 'AWS::Events::Archive').map(([, archive]) => archive);
    expect(archives).toEqual([
      expect.objectContaining({
        SourceArn: arnOf(busId),
        RetentionDays: config.archiveRetentionDays,
        EventPattern: { source: Object.values(eventSources) },
      }),
    ]);
  });

  it('is the table the functions are bound to', () => {
    expect(tableId).not.toBe('');
    expect(JSON.stringify(stage.stateless.toJSON())).toContain(tableId);
  });
});
