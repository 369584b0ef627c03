import { render } from './ui-vendor.js';
import { createElement as h } from './ui-vendor.js';
import { TopApp, type TopAppProps } from './app.js';
import { ENTER_ALT_SCREEN, LEAVE_ALT_SCREEN } from './first-frame.js';

/**
 * Runs the full-screen view in the terminal's alternate screen buffer until `q` or Ctrl-C, then
 * gives the terminal back as it was (main screen, cursor shown, input out of raw mode).
 */
export async function runTop(
  props: Omit<TopAppProps, 'initial'> & { initial: TopAppProps['initial'] },
  io: { stdout: NodeJS.WriteStream; stdin: NodeJS.ReadStream; stderr: NodeJS.WriteStream },
  stop: (leave: () => void) => void,
  /** The first frame is already on the alternate screen (paintFirstFrame): entering again would clear it. */
  onScreen = false,
): Promise<void> {
  if (!onScreen) io.stdout.write(ENTER_ALT_SCREEN);
  let left = false;
  const restore = () => {
    if (left) return;
    left = true;
    io.stdout.write(LEAVE_ALT_SCREEN);
  };
  const instance = render(h(TopApp, props), {
    stdout: io.stdout,
    stdin: io.stdin,
    stderr: io.stderr,
    exitOnCtrlC: false,
    patchConsole: false,
    maxFps: 20,
  });
  stop(() => instance.unmount());
  try {
    await instance.waitUntilExit();
  } finally {
    instance.cleanup();
    restore();
  }
}
