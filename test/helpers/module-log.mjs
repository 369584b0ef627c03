// Node resolve hook (registered with --import): appends every resolved module URL to
// $LOONCTL_MODULE_LOG, so a test can prove which packages a command loaded.
import { register } from 'node:module';

if (process.env.LOONCTL_MODULE_LOG) {
  register(new URL('./module-log-hooks.mjs', import.meta.url), { data: { log: process.env.LOONCTL_MODULE_LOG } });
}
