# The turva service image for docker-compose.yml (Neo4j runs in its own container).
FROM python:3.11-slim
WORKDIR /app
COPY pyproject.toml README.md ./
COPY graph ./graph
COPY queries ./queries
COPY visualize ./visualize
COPY api ./api
RUN pip install --no-cache-dir .
COPY data ./data
ENV PYTHONUNBUFFERED=1 MPLCONFIGDIR=/tmp
EXPOSE 8000
USER nobody
CMD ["sh", "-c", "turva load data/2021.yaml --if-empty && exec turva serve --host 0.0.0.0 --port 8000"]
