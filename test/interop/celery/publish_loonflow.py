"""Sends LoonFlow's tasks with a real Celery producer (apply_async on the stand-ins in loonflow_tasks.py).

usage: publish_loonflow.py <broker_url> <line 2|3> <JSON list of calls>
A call: {"task", "args", "kwargs", "queue", "countdown", "priority", "id"}; an argument written
{"__type__": "datetime" | "uuid", "__value__": ...} is passed as that Python object, as LoonFlow does.
Prints the id of each message sent, one per line.
"""
import datetime
import json
import os
import sys
import uuid

sys.path.insert(0, os.path.dirname(__file__))
os.environ['LOONCTL_BROKER'] = sys.argv[1]
os.environ['LOONCTL_LOONFLOW_LINE'] = sys.argv[2]

from loonflow_tasks import app  # noqa: E402


def typed(o):
    if o.keys() == {'__type__', '__value__'}:
        if o['__type__'] == 'datetime':
            return datetime.datetime.fromisoformat(o['__value__'])
        if o['__type__'] == 'uuid':
            v = o['__value__']
            return uuid.UUID(hex=v['hex'] if isinstance(v, dict) else v)
    return o


for call in json.loads(sys.argv[3], object_hook=typed):
    opts = {k: call[k] for k in ('queue', 'countdown', 'priority') if call.get(k) is not None}
    r = app.tasks[call['task']].apply_async(args=call.get('args', []), kwargs=call.get('kwargs', {}),
                                            task_id=call.get('id'), **opts)
    print(r.id)
