"""LoonFlow's gen_ticket_sn, as LoonFlow runs it, for interop tests: redis-py against the real Redis
and a COUNT against the real ticket table when the day key is absent (the racy branch loonctl fixes).

usage: loonflow_gen_sn.py gen <redis_url> <pg_dsn> <YYYY-MM-DD> [prefix] [zone]
       loonflow_gen_sn.py format <prefix> <zone or -> <YYYY-MM-DD> <n>...
"""
import datetime
import sys

import redis


def serial(prefix, zone, date, n):
    day = date.replace('-', '')
    if zone:
        return '%s_%s_%s%04d' % (prefix, zone, day, n)
    return '%s_%s%04d' % (prefix, day, n)


def gen_ticket_sn(r, conn, date, prefix='loonflow', zone=None):
    key = 'ticket_day_count_{}'.format(date)
    if r.get(key) is None:
        nxt = (datetime.date.fromisoformat(date) + datetime.timedelta(days=1)).isoformat()
        cur = conn.cursor()
        cur.execute("set time zone 'Asia/Shanghai'")
        cur.execute(
            'select count(*) from ticket_ticketrecord where gmt_created >= %s and gmt_created < %s',
            (date + ' 00:00:00', nxt + ' 00:00:00'),
        )
        n = cur.fetchone()[0] + 1
        r.set(key, n, ex=86400)
    else:
        n = r.incr(key)
    return serial(prefix, zone, date, n)


def main(argv):
    if argv[1] == 'format':
        prefix, zone, date = argv[2], argv[3], argv[4]
        for n in argv[5:]:
            print(serial(prefix, None if zone == '-' else zone, date, int(n)))
        return
    import psycopg2

    r = redis.Redis.from_url(argv[2])
    conn = psycopg2.connect(argv[3])
    prefix = argv[5] if len(argv) > 5 else 'loonflow'
    zone = argv[6] if len(argv) > 6 else None
    print(gen_ticket_sn(r, conn, argv[4], prefix, zone))


if __name__ == '__main__':
    main(sys.argv)
