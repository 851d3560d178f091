# mockgateway: a simulated SMS gateway. Build: docker build -t mockgateway .
FROM python:3.12-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# A fixed numeric id, so orchestrators that require a non-root user can verify it.
RUN groupadd --gid 10001 mockgateway \
    && useradd --create-home --no-log-init --uid 10001 --gid 10001 mockgateway

WORKDIR /app
COPY pyproject.toml README.md ./
COPY mockgateway/ ./mockgateway/
COPY scenarios/ ./scenarios/
# The package itself, with the demo-traffic and uvloop extras; its dependencies are bounded in pyproject.toml.
# hadolint ignore=DL3013
RUN pip install --no-cache-dir ".[demo,fast]"

USER 10001:10001
# /app/scenarios holds the shipped scenario library; mount a volume there to use your own.
ENV MOCKGATEWAY_HOST=0.0.0.0 \
    MOCKGATEWAY_PORT=8080 \
    MOCKGATEWAY_SCENARIOS=/app/scenarios
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=5s --start-period=10s --retries=3 CMD ["mockgateway", "healthcheck"]
ENTRYPOINT ["mockgateway"]
CMD ["serve"]
