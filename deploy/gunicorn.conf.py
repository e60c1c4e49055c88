"""gunicorn settings shared by every web command (compose.yaml, kubernetes/web.yaml, Procfile, the image's CMD
pass `--config=deploy/gunicorn.conf.py`). gunicorn has no body-size limit of its own: the proxy in front
(nginx.conf, the Ingress annotation) refuses bodies past MAX_UPLOAD_BODY_BYTES, and the application refuses
each path's own limit from Content-Length before reading (marketplace.core.middleware)."""

# Request line (a GraphQL GET carries its query there), header count and header size.
limit_request_line = 8190
limit_request_fields = 100
limit_request_field_size = 8190
