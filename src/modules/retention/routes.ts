import type { ModuleRoutes } from '../../platform/http/app.ts';
import { systemContext } from '../../platform/audit/audit.ts';
import { PeriodicJob } from '../../platform/background.ts';
import { RetentionService } from './service.ts';

/** No HTTP route: the retention job runs in every process's background loop (and `vaxhub retention run`). */
export const retentionRoutes: ModuleRoutes = (app, { database, clock, config }) => {
  const retention = new RetentionService(database.db, clock, config);
  const job = new PeriodicJob('retention', app.log, () =>
    retention.run(systemContext('retention-job', clock.now())),
  );
  if (config.RETENTION_INTERVAL_MS > 0) {
    app.addHook('onReady', (done) => {
      job.start(config.RETENTION_INTERVAL_MS);
      done();
    });
  }
  app.addHook('onClose', () => job.stop());
};
