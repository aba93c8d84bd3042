import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { scenarioValues, type RenderOptions } from '../scripts/lib/chart.js';
import { kubeconform, verifyScenario } from '../scripts/lib/checks.js';
import { renderScenario } from './support/manifests.js';

const fixture = (name: string): string =>
  fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));

/** A production canary render with one broken values file on top. */
const broken = (file: string): RenderOptions => ({
  valuesFiles: [...scenarioValues('production', 'canary'), fixture(file)],
});

describe('helm checks fail on broken values', function () {
  this.timeout(60_000);

  it('readOnlyRootFilesystem: false renders and validates, then conftest refuses it', async () => {
    const result = await verifyScenario(broken('broken-readonly-values.yaml'));
    assert.equal(result.ok, false);
    const stage = Object.fromEntries(result.stages.map((s) => [s.stage, s]));
    assert.equal(stage.lint?.ok, true);
    assert.equal(stage.kubeconform?.ok, true);
    assert.equal(stage.conftest?.ok, false);
    for (const workload of ['Rollout/aichat-backend', 'Deployment/aichat-frontend']) {
      assert.match(
        stage.conftest!.output,
        new RegExp(`\\[read-only-root-filesystem\\] ${workload} container`),
      );
    }
  });

  it('a typo’d key fails helm lint through values.schema.json', async () => {
    const result = await verifyScenario(broken('broken-typo-values.yaml'));
    assert.equal(result.ok, false);
    assert.deepEqual(
      result.stages.map((s) => [s.stage, s.ok]),
      [['lint', false]],
    );
    assert.match(result.stages[0]!.output, /replicaCont/);
    assert.match(result.stages[0]!.output, /additional properties|not allowed/i);
  });

  it('a wrong type fails helm lint through values.schema.json', async () => {
    const result = await verifyScenario(broken('broken-type-values.yaml'));
    assert.deepEqual(
      result.stages.map((s) => [s.stage, s.ok]),
      [['lint', false]],
    );
    assert.match(result.stages[0]!.output, /replicaCount/);
    assert.match(result.stages[0]!.output, /want integer|expected integer|got string/i);
  });

  it('a latest tag in production is refused by the no-latest-tag policy', async () => {
    const result = await verifyScenario(broken('broken-latest-values.yaml'));
    const conftestStage = result.stages.find((s) => s.stage === 'conftest');
    assert.equal(conftestStage?.ok, false);
    assert.match(conftestStage!.output, /\[no-latest-tag\] Rollout\/aichat-backend/);
    // The tag renders only because the fixture also lifts requireDigest: production_digest sees it.
    assert.match(conftestStage!.output, /\[production-digest\] Rollout\/aichat-backend/);
  });

  it('the same latest tag is allowed in dev', async () => {
    const result = await verifyScenario({
      valuesFiles: [...scenarioValues('dev', 'canary'), fixture('broken-latest-values.yaml')],
    });
    assert.equal(result.ok, true, result.stages.map((s) => s.output).join('\n'));
  });

  it('impossible combinations fail rendering with a readable message', async () => {
    const result = await verifyScenario({
      valuesFiles: scenarioValues('production', 'rolling'),
      set: { 'backend.terminationGracePeriodSeconds': '5' },
    });
    assert.equal(result.ok, false);
    assert.match(
      result.stages.map((s) => s.output).join('\n'),
      /terminationGracePeriodSeconds \(5s\) must exceed preStopSleepSeconds \+ config.shutdownGraceMs \(15000ms\)/,
    );
    const noPrometheus = await verifyScenario({
      valuesFiles: scenarioValues('staging', 'canary'),
      set: { 'monitoring.prometheus.enabled': 'false' },
    });
    assert.match(
      noPrometheus.stages.map((s) => s.output).join('\n'),
      /rollout.analysis.enabled with strategy canary needs a Prometheus/,
    );
  });

  it('kubeconform rejects an unknown field and a kind it has no schema for', async () => {
    const { yaml } = await renderScenario('production', 'canary');
    const typo = yaml.replace('revisionHistoryLimit: 5', 'revisionHistoryLimt: 5');
    assert.notEqual(typo, yaml);
    const typoResult = await kubeconform(typo);
    assert.equal(typoResult.code, 1);
    assert.match(typoResult.stdout, /additional properties 'revisionHistoryLimt' not allowed/);

    const unknownKind = `${yaml}\n---\napiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w\n`;
    const kindResult = await kubeconform(unknownKind);
    assert.equal(kindResult.code, 1);
    assert.match(kindResult.stdout, /could not find schema for Widget/);
  });
});
