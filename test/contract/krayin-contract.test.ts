/**
 * Replays every recorded Krayin 2.1.2 scenario (../shared/krayin-contract/*.json with APP_DEBUG=true
 * and debug-false/*.json with APP_DEBUG=false) against the fake Krayin: one test per step, the
 * fake reset to the fresh state before each scenario (README §5).
 */
import path from 'node:path';
import { startFakeKrayin, type FakeKrayin } from '../fakes/krayin';
import { CONTRACT_DIR, loadScenarios, newReplayContext, replayStep, type ReplayContext } from './replay';

const corpora = [
  { dir: CONTRACT_DIR, label: 'debug' },
  { dir: path.join(CONTRACT_DIR, 'debug-false'), label: 'debug-false' },
];

let fake: FakeKrayin;
const tally = { scenarios: 0, scenariosPassed: 0, steps: 0, stepsPassed: 0 };

beforeAll(async () => {
  fake = await startFakeKrayin();
});

afterAll(async () => {
  await fake?.close();
  console.log(
    `krayin contract: ${tally.scenariosPassed}/${tally.scenarios} scenarios, ${tally.stepsPassed}/${tally.steps} steps conform`,
  );
});

for (const { dir, label } of corpora) {
  const scenarios = loadScenarios(dir);

  describe(`krayin contract (${label})`, () => {
    it('has scenarios to replay', () => {
      expect(scenarios.length).toBeGreaterThan(0);
    });

    for (const { file, scenario } of scenarios) {
      describe(file, () => {
        let rc: ReplayContext;
        let failed = false;

        beforeAll(() => {
          fake.reset();
          fake.setAppDebug(scenario.app_debug);
          rc = newReplayContext(fake.apiBase, fake.token);
          tally.scenarios += 1;
        });

        afterAll(() => {
          if (!failed) tally.scenariosPassed += 1;
        });

        scenario.steps.forEach((step, i) => {
          const title = `${String(i + 1).padStart(2, '0')} ${step.name}${step.repeat ? ` (x${step.repeat})` : ''}`;
          it(title, async () => {
            tally.steps += 1;
            const { diffs } = await replayStep(step, rc);
            const problems = diffs.flatMap((d, rep) => d.map((x) => (step.repeat ? `#${rep + 1}: ${x}` : x)));
            if (problems.length) failed = true;
            else tally.stepsPassed += 1;
            expect(problems).toEqual([]);
          });
        });
      });
    }
  });
}
