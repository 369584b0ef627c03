"""Runs a command in a pseudo-terminal, as an operator's terminal would, and reports in JSON:
ms until `marker` first appears in its output (or until it exits, marker '-'), then, holding it for
`hold` seconds, its CPU seconds (utime + stime from /proc) and the bytes the Redis on `port` sent
meanwhile (INFO total_net_output_bytes; 0: no Redis). Ends the command with `q` and waits for it.

usage: pty-run.py <marker|-> <hold_seconds> <redis_port|0> <cols> <rows> cmd args...
With PTY_KEY and PTY_KEY_MARKER set: as soon as the marker shows, types PTY_KEY and reports in key_ms the
ms from the start until PTY_KEY_MARKER appears (when the program first acts on a key).
"""
import fcntl
import json
import os
import pty
import select
import struct
import sys
import termios
import time


def cpu_seconds(pid):
    with open(f'/proc/{pid}/stat') as f:
        fields = f.read().rsplit(')', 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf('SC_CLK_TCK')


def net_bytes(port):
    if not port:
        return 0
    import redis
    info = redis.Redis(port=port).info('stats')
    return info['total_net_output_bytes']


def main():
    marker, hold, port, cols, rows = sys.argv[1], float(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
    cmd = sys.argv[6:]
    t0 = time.monotonic()
    pid, fd = pty.fork()
    if pid == 0:
        fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack('HHHH', rows, cols, 0, 0))
        os.execvp(cmd[0], cmd)
    seen = b''
    first = None
    out = {}
    def drain(until, want=None):
        nonlocal seen, first
        while time.monotonic() < until:
            r, _, _ = select.select([fd], [], [], 0.05)
            if not r:
                continue
            try:
                data = os.read(fd, 65536)
            except OSError:
                return False
            if not data:
                return False
            if want is not None:
                seen = (seen + data)[-65536:]
                if want.encode() in seen:
                    return True
            elif first is None:
                seen = (seen + data)[-65536:]
                if marker != '-' and marker.encode() in seen:
                    first = (time.monotonic() - t0) * 1000
                    return True
        return want is None
    alive = drain(t0 + 60)
    if marker == '-':
        os.waitpid(pid, 0)
        print(json.dumps({'first_ms': (time.monotonic() - t0) * 1000}))
        return
    if first is None:
        os.kill(pid, 9)
        sys.exit(f'marker {marker!r} not seen in 60 s; last output: {seen[-400:]!r}')
    out['first_ms'] = first
    key, key_marker = os.environ.get('PTY_KEY'), os.environ.get('PTY_KEY_MARKER')
    if key and key_marker and alive:
        seen = b''
        os.write(fd, key.encode())
        if drain(time.monotonic() + 60, key_marker):
            out['key_ms'] = (time.monotonic() - t0) * 1000
    if hold > 0 and alive:
        c0, b0, w0 = cpu_seconds(pid), net_bytes(port), time.monotonic()
        drain(w0 + hold)
        c1, b1, w1 = cpu_seconds(pid), net_bytes(port), time.monotonic()
        out.update(cpu_s=c1 - c0, wall_s=w1 - w0, net_bytes=b1 - b0)
    os.write(fd, b'q')
    end = time.monotonic() + 10
    while time.monotonic() < end:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            out['exit'] = os.waitstatus_to_exitcode(status)
            break
        drain(time.monotonic() + 0.1)
    else:
        os.kill(pid, 9)
        out['exit'] = 'killed'
    print(json.dumps(out))


main()
