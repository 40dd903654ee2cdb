"""Uses the client openapi-python-client generated from JobBot's served OpenAPI document (scripts/generated-client.sh),
as a third-party developer would: every operation has its function, and the common path works against a real server.

    PYTHONPATH=<folder holding jobbot_client> python generated_client_check.py BASE_URL OPENAPI_JSON
"""

import importlib
import json
import pkgutil
import re
import sys

import jobbot_client.api
from jobbot_client import AuthenticatedClient, Client

base, document = sys.argv[1], json.load(open(sys.argv[2]))


def snake(name):
    return re.sub(r"[^a-z0-9]+", "_", re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", name).lower()).strip("_")


# Every operation of the document has a generated function (none skipped).
generated = {}
for tag in pkgutil.iter_modules(jobbot_client.api.__path__):
    package = importlib.import_module(f"jobbot_client.api.{tag.name}")
    for module in pkgutil.iter_modules(package.__path__):
        generated[(tag.name, module.name)] = importlib.import_module(f"jobbot_client.api.{tag.name}.{module.name}")
operations = [
    (method, path, op)
    for path, item in document["paths"].items()
    for method, op in item.items()
    if isinstance(op, dict) and "responses" in op
]
def key(tag, operation_id):
    # Names that shadow a Python builtin or keyword get a trailing underscore (`list_`, `open_`).
    tag, name = snake(tag), snake(operation_id)
    return (tag, name) if (tag, name) in generated else (tag, name + "_")


missing = [
    f"{method.upper()} {path}"
    for method, path, op in operations
    if key(op.get("tags", ["default"])[0], op["operationId"]) not in generated
]
assert not missing, f"operations without a generated function: {missing}"
print(f"generated client: {len(operations)} operations, {len(generated)} functions, none skipped")


def op(tag, operation_id):
    return generated[key(tag, operation_id)]


def model(name, data):
    return getattr(importlib.import_module("jobbot_client.models"), name).from_dict(data)


anonymous = Client(base_url=base, raise_on_unexpected_status=True)
password = "Un-mot-de-passe-solide-42"
registered = op("auth", "register").sync_detailed(
    client=anonymous,
    body=model(
        "RegisterRequest",
        {"email": "client@example.fr", "password": password, "display_name": "Client", "accept_terms": True},
    ),
)
assert registered.status_code == 201, (registered.status_code, registered.content)
logged_in = op("auth", "login").sync_detailed(
    client=anonymous, body=model("LoginRequest", {"email": "client@example.fr", "password": password})
)
assert logged_in.status_code == 200, (logged_in.status_code, logged_in.content)
token = logged_in.parsed.access_token
client = AuthenticatedClient(base_url=base, token=token, raise_on_unexpected_status=True)

# Offers, with filters in the query string (they were path parameters: the generator skipped this operation).
everything = op("offers", "search").sync_detailed(client=client)
assert everything.status_code == 200, everything.content
total = everything.parsed.total
assert total > 0, "the sample offers are loaded"
found = op("offers", "search").sync_detailed(client=client, q="électricien", limit=5)
assert found.status_code == 200, found.content
assert 0 < found.parsed.total < total, (found.parsed.total, total)
assert all("lectric" in o.title.lower() for o in found.parsed.items), [o.title for o in found.parsed.items]
first = found.parsed.items[0]
filtered = op("offers", "search").sync_detailed(client=client, q="électricien", contract=first.contract_type.value, limit=2)
assert filtered.status_code == 200 and len(filtered.parsed.items) <= 2, filtered.content
assert all(o.contract_type == first.contract_type for o in filtered.parsed.items)

# Conversations: one created, listed, its first page of messages read.
created = op("assistant", "create_conversations").sync_detailed(client=client, body=model("CreateConversationRequest", {}))
assert created.status_code == 201, created.content
conversation = created.parsed.id
sent = op("assistant", "send").sync_detailed(
    client=client, id=conversation, body=model("SendMessageRequest", {"content": "Comment rédiger mon CV ?"})
)
assert sent.status_code in (200, 201), (sent.status_code, sent.content)
listed = op("assistant", "list_conversations").sync_detailed(client=client, limit=10, offset=0)
assert listed.status_code == 200, listed.content
assert any(c.id == conversation for c in listed.parsed.items), listed.content
page = op("assistant", "list_messages").sync_detailed(client=client, id=conversation, limit=1)
assert page.status_code == 200, page.content
assert len(page.parsed.items) == 1 and page.parsed.items[0].role == "user", page.content
rest = op("assistant", "list_messages").sync_detailed(client=client, id=conversation, after=page.parsed.items[0].id)
assert rest.status_code == 200 and len(rest.parsed.items) >= 1, rest.content
print("generated client: registered, logged in, searched offers with filters, listed conversations, read messages")
print("1 passed, 0 failed")
