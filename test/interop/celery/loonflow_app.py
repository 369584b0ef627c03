"""A small Celery app shaped like LoonFlow's: tasks in the `loonflow` queue on the Redis broker.

Environment: LOONCTL_BROKER (broker URL), LOONCTL_TASK_LOG (file each task run appends its id to),
LOONCTL_TASK_SLEEP (seconds a task sleeps, default 0), LOONCTL_KEY_PREFIX (kombu global_keyprefix).
A task given the keyword argument `hold` (a file path) waits while that file exists (at most 120 s).
"""
import json
import os
import time

from celery import Celery

app = Celery('loonflow', broker=os.environ.get('LOONCTL_BROKER', 'redis://127.0.0.1:6379/0'))
app.conf.update(
    task_default_queue='loonflow',
    task_serializer='json',
    accept_content=['json', 'pickle', 'yaml'],
    task_acks_late=True,
    worker_prefetch_multiplier=int(os.environ.get('LOONCTL_PREFETCH', '4')),
    worker_hijack_root_logger=False,
    broker_connection_retry_on_startup=True,
)
if os.environ.get('LOONCTL_KEY_PREFIX'):
    app.conf.broker_transport_options = {'global_keyprefix': os.environ['LOONCTL_KEY_PREFIX']}


def _record(task, args, kwargs):
    log = os.environ.get('LOONCTL_TASK_LOG')
    sleep = float(os.environ.get('LOONCTL_TASK_SLEEP', '0'))
    if sleep:
        time.sleep(sleep)
    hold = kwargs.get('hold')
    deadline = time.time() + 120
    while hold and os.path.exists(hold) and time.time() < deadline:
        time.sleep(0.05)
    if log:
        with open(log, 'a') as f:
            f.write(json.dumps({'id': task.request.id, 'task': task.name, 'args': args, 'kwargs': kwargs}, ensure_ascii=False, default=repr) + '\n')
            f.flush()
            os.fsync(f.fileno())


@app.task(bind=True, name='tasks.flow_hook_task')
def flow_hook_task(self, ticket_id, *args, **kwargs):
    _record(self, [ticket_id, *args], kwargs)


@app.task(bind=True, name='tasks.run_flow_task')
def run_flow_task(self, ticket_id, *args, **kwargs):
    _record(self, [ticket_id, *args], kwargs)


@app.task(bind=True, name='tasks.send_ticket_notice')
def send_ticket_notice(self, *args, **kwargs):
    _record(self, list(args), kwargs)
