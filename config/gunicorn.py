"""gunicorn settings used by docker-compose and the benchmarks (`gunicorn -c config/gunicorn.py`).

Each worker freezes the objects it holds once the application is loaded (Django, the apps,
the URL conf, compiled templates): the garbage collector then no longer walks them on every
full collection, which otherwise added ~70 ms to every sixth catalogue request of 500 item
types (bench/lending.py). See the `gc.freeze` documentation.
"""

import gc


def post_worker_init(worker):
    gc.collect()
    gc.freeze()
