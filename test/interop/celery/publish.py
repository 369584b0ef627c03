"""Publishes LoonFlow-style tasks with a real Celery producer and prints what it sent, one JSON per line.

usage: publish.py <broker_url> <scenario> [count]
"""
import json
import sys
import os

sys.path.insert(0, os.path.dirname(__file__))
os.environ['LOONCTL_BROKER'] = sys.argv[1]

from celery import chain  # noqa: E402
from loonflow_app import app, flow_hook_task, run_flow_task, send_ticket_notice  # noqa: E402


def sent(r, **extra):
    print(json.dumps({'id': r.id, **extra}, ensure_ascii=False))


def main():
    scenario = sys.argv[2]
    count = int(sys.argv[3]) if len(sys.argv) > 3 and scenario != 'spec' else 1
    if scenario == 'mixed':
        sent(flow_hook_task.apply_async(args=[101, 'create'], kwargs={'note': '工单已创建'}), task='tasks.flow_hook_task', args=[101, 'create'], kwargs={'note': '工单已创建'}, priority=0)
        sent(run_flow_task.apply_async(args=[102], priority=6), task='tasks.run_flow_task', args=[102], kwargs={}, priority=6)
        sent(send_ticket_notice.apply_async(args=['ops'], countdown=3600), task='tasks.send_ticket_notice', args=['ops'], kwargs={}, eta=True)
        sent(flow_hook_task.apply_async(args=[104], serializer='pickle'), task='tasks.flow_hook_task', args=[104], kwargs={}, serializer='pickle')
        sent(flow_hook_task.apply_async(args=[105, 'x' * 2000], compression='zlib'), task='tasks.flow_hook_task', args=[105, 'x' * 2000], kwargs={}, compression=True)
        sent(flow_hook_task.apply_async(args=[106], serializer='yaml', expires=600), task='tasks.flow_hook_task', args=[106], kwargs={}, serializer='yaml')
        sent(flow_hook_task.apply_async(args=[107], priority=9), task='tasks.flow_hook_task', args=[107], kwargs={}, priority=9)
        c = chain(flow_hook_task.s(108), run_flow_task.si(109)).apply_async()
        sent(c.parent or c, task='tasks.flow_hook_task', args=[108], kwargs={}, chain=True)
    elif scenario == 'many':
        for i in range(count):
            sent(flow_hook_task.apply_async(args=[i], kwargs={'n': i}), task='tasks.flow_hook_task', args=[i])
    elif scenario == 'spec':
        # argv[3]: JSON list of {"args": [...], "kwargs": {...}, "countdown": seconds, "serializer": name,
        # "set_arg": true (appends a Python set, which JSON cannot carry: needs the pickle serializer)}
        for item in json.loads(sys.argv[3]):
            args = item.get('args', []) + ([{1, 2}] if item.get('set_arg') else [])
            r = flow_hook_task.apply_async(args=args, kwargs=item.get('kwargs', {}), countdown=item.get('countdown'),
                                           serializer=item.get('serializer'))
            sent(r, task='tasks.flow_hook_task', args=item.get('args', []))
    elif scenario == 'queue':
        q = sys.argv[4]
        for i in range(count):
            sent(flow_hook_task.apply_async(args=[i], queue=q), task='tasks.flow_hook_task', args=[i])


if __name__ == '__main__':
    main()
