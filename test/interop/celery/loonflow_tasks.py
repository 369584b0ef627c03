"""Stand-ins for LoonFlow's Celery tasks: its task names and exact signatures, recording what each run got.

2.x: `tasks.py` at r2.0.20; 3.x: `backend/tasks.py` at r3.2.1 (LOONFLOW.md section 4). Like LoonFlow, nothing
is configured beyond the broker (JSON, early ack, no result backend). A call whose arguments do not fit
the signature fails in the worker and records nothing.
Environment: LOONCTL_BROKER (broker URL), LOONCTL_LOONFLOW_LINE ('2' or '3'), LOONCTL_TASK_LOG (file each
run appends one JSON line to: id, task, the arguments bound to parameter names, their Python types,
eta, delivery priority).
"""
import json
import os

from celery import Celery

app = Celery('loonflow', broker=os.environ.get('LOONCTL_BROKER', 'redis://127.0.0.1:6379/0'))
app.conf.update(worker_hijack_root_logger=False, broker_connection_retry_on_startup=True)
LINE = os.environ.get('LOONCTL_LOONFLOW_LINE', '2')


def _record(task, params):
    params = {k: v for k, v in params.items() if k != 'self'}
    log = os.environ.get('LOONCTL_TASK_LOG')
    if not log:
        return
    req = task.request
    line = {
        'id': req.id, 'task': task.name, 'params': params,
        'types': {k: type(v).__name__ for k, v in params.items()},
        'eta': req.eta, 'priority': (req.delivery_info or {}).get('priority'),
    }
    with open(log, 'a') as f:
        f.write(json.dumps(line, ensure_ascii=False, default=str) + '\n')
        f.flush()
        os.fsync(f.fileno())


if LINE == '2':
    @app.task(bind=True, name='tasks.run_flow_task')
    def run_flow_task(self, ticket_id, script_id_str, state_id, action_from='loonrobot'):
        _record(self, locals())

    @app.task(bind=True, name='tasks.timer_transition')
    def timer_transition(self, ticket_id, state_id, date_time, transition_id):
        _record(self, locals())

    @app.task(bind=True, name='tasks.send_ticket_notice')
    def send_ticket_notice(self, ticket_id):
        _record(self, locals())

    @app.task(bind=True, name='tasks.flow_hook_task')
    def flow_hook_task(self, ticket_id):
        _record(self, locals())
else:
    @app.task(bind=True, name='tasks.flow_hook_task')
    def flow_hook_task(self, tenant_id: str, ticket_id: str, node_id: str):
        _record(self, locals())

    @app.task(bind=True, name='tasks.flow_notification_task')
    def flow_notification_task(self, tenant_id: str, ticket_id: str, target_node_id: str):
        _record(self, locals())

    @app.task(bind=True, name='tasks.flow_action_hook_task')
    def flow_action_hook_task(self, tenant_id: str, ticket_id: str, event_type: str, workflow_id: str = '',
                              workflow_version_id: str = ''):
        _record(self, locals())
