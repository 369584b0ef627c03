"""redis-py's Lock from the shell, for interop tests.

usage: pylock.py <redis_url> acquire <name> <timeout_s>      -> prints the token (uuid1 hex) or BUSY
       pylock.py <redis_url> hold <name> <token> <timeout_s> -> takes the lock with that token, prints OK or BUSY
       pylock.py <redis_url> release <name> <token>          -> OK or an error
       pylock.py <redis_url> extend <name> <token> <secs> <replace 0|1>
"""
import sys

import redis
from redis.exceptions import LockError


def main(argv):
    r = redis.Redis.from_url(argv[1])
    cmd, name = argv[2], argv[3]
    if cmd == 'acquire':
        lock = r.lock(name, timeout=float(argv[4]))
        print(lock.local.token.decode() if lock.acquire(blocking=False) else 'BUSY')
    elif cmd == 'hold':
        lock = r.lock(name, timeout=float(argv[5]))
        print('OK' if lock.acquire(blocking=False, token=argv[4]) else 'BUSY')
    elif cmd == 'release':
        lock = r.lock(name)
        lock.local.token = argv[4].encode()
        try:
            lock.release()
            print('OK')
        except LockError as e:
            print('ERROR', type(e).__name__)
    elif cmd == 'extend':
        lock = r.lock(name, timeout=1)
        lock.local.token = argv[4].encode()
        try:
            lock.extend(float(argv[5]), replace_ttl=argv[6] == '1')
            print('OK')
        except LockError as e:
            print('ERROR', type(e).__name__)


if __name__ == '__main__':
    main(sys.argv)
