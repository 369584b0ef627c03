"""LoonFlow 2.x's ticket creation, serial first, as LoonFlow runs it: written from LOONFLOW.md section 3
(gen_ticket_sn: GET the day key; present: INCR; absent: count the day's rows, SET key n+1 EX 86400, a plain
SET), then the row is inserted, with redis-py and PyMySQL against MariaDB.

usage: loonflow2_race.py <redis_url> <mysql_url> <processes> <tickets_per_process> <YYYY-MM-DD>...

For each date in turn, every process waits at one barrier and then creates its tickets on that date,
so they meet the day key at the same moment (absent or not). The date is passed in rather than read
from datetime.now(), so that one run meets several absent keys. Prints {date: [serials]} as JSON.
"""
import datetime
import json
import multiprocessing
import sys
import urllib.parse

import pymysql
import redis

SHANGHAI = datetime.timezone(datetime.timedelta(hours=8))


def serial(prefix, date, n):
    return '%s_%s%04d' % (prefix, date.replace('-', ''), n)


def gen_ticket_sn(r, conn, date, prefix='loonflow'):
    key = 'ticket_day_count_{}'.format(date)
    if r.get(key) is None:
        nxt = (datetime.date.fromisoformat(date) + datetime.timedelta(days=1)).isoformat()
        with conn.cursor() as cur:
            cur.execute(
                'select count(*) from ticket_ticketrecord where gmt_created >= %s and gmt_created < %s',
                (date + ' 00:00:00', nxt + ' 00:00:00'),
            )
            n = cur.fetchone()[0] + 1
        r.set(key, n, ex=86400)
    else:
        n = r.incr(key)
    return serial(prefix, date, n)


def create_ticket(r, conn, date):
    sn = gen_ticket_sn(r, conn, date)
    created = '%s %s' % (date, datetime.datetime.now(SHANGHAI).strftime('%H:%M:%S.%f'))
    with conn.cursor() as cur:
        cur.execute('insert into ticket_ticketrecord (sn, gmt_created) values (%s, %s)', (sn, created))
    conn.commit()
    return sn


def connect_mysql(url):
    u = urllib.parse.urlparse(url)
    return pymysql.connect(host=u.hostname, port=u.port or 3306, user=urllib.parse.unquote(u.username or 'root'),
                           password=urllib.parse.unquote(u.password or ''), database=u.path.lstrip('/'))


def worker(redis_url, mysql_url, per, dates, barrier, results):
    r = redis.Redis.from_url(redis_url)
    conn = connect_mysql(mysql_url)
    r.ping()
    for date in dates:
        barrier.wait()
        results.put((date, [create_ticket(r, conn, date) for _ in range(per)]))
    conn.close()


def main(argv):
    redis_url, mysql_url, procs, per, dates = argv[1], argv[2], int(argv[3]), int(argv[4]), argv[5:]
    ctx = multiprocessing.get_context('fork')
    barrier = ctx.Barrier(procs)
    results = ctx.Queue()
    workers = [ctx.Process(target=worker, args=(redis_url, mysql_url, per, dates, barrier, results))
               for _ in range(procs)]
    for w in workers:
        w.start()
    out = {d: [] for d in dates}
    for _ in range(procs * len(dates)):
        date, serials = results.get(timeout=60)
        out[date].extend(serials)
    for w in workers:
        w.join(10)
        if w.exitcode != 0:
            sys.exit('a LoonFlow process failed')
    print(json.dumps(out))


if __name__ == '__main__':
    main(sys.argv)
