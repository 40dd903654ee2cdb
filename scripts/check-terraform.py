#!/usr/bin/env python3
"""The promises of infra/terraform/azure, checked on its parsed text (python-hcl2; no Terraform binary, no
Azure account needed):

- the network security groups: the app port open to the Internet, the admin port and SSH to the admins'
  addresses only, the API's ports to the frontend subnet only, PostgreSQL to the backend subnet only, a final
  deny of everything else, each group on its subnet, and no admin CIDR may be 0.0.0.0/0;
- no public database: Flexible Server in the delegated subnet, public access off, no firewall rule;
- Key Vault: access policies only (no RBAC), the app's identity gets secrets and nothing more, the only
  other policy is the deployer's;
- HTTPS only: the storage account (HTTPS, TLS 1.2, no public container), PostgreSQL (require_secure_transport,
  sslmode=require), nginx (no start without its certificate);
- diagnostic settings to Log Analytics on every resource whose type has them (a new type must be classified
  here), the Azure Monitor agent and its collection rule on every machine;
- the alert rules are ops/prometheus/alerts.yml itself, each convertible (duration, severity);
- variables: France Central by default, the example tfvars sets every required variable and no unknown one.

  scripts/check-terraform.py [DIR]      (infra/terraform/azure by default)
  scripts/check-terraform.py --self-test  breaks each promise in a copy of the parsed text: each must fail
"""
import copy
import ipaddress
import json
import pathlib
import re
import sys

import hcl2
import yaml

ROOT = pathlib.Path(__file__).resolve().parent.parent
DEFAULT_DIR = ROOT / "infra/terraform/azure"

# Resource types whose Azure resources have diagnostic settings: each needs one to Log Analytics.
DIAGNOSABLE = {
    "azurerm_virtual_network", "azurerm_network_security_group", "azurerm_container_registry",
    "azurerm_key_vault", "azurerm_postgresql_flexible_server", "azurerm_storage_account",
    "azurerm_public_ip", "azurerm_network_interface", "azurerm_log_analytics_workspace",
}
# Types without diagnostic settings of their own (sub-resources, assignments, or logged another way: the
# machines through the Azure Monitor agent, checked separately).
NOT_DIAGNOSABLE = {
    "azurerm_resource_group", "azurerm_user_assigned_identity", "azurerm_subnet", "azurerm_network_security_rule",
    "azurerm_subnet_network_security_group_association", "azurerm_role_assignment",
    "azurerm_key_vault_access_policy", "azurerm_key_vault_secret", "random_password", "azurerm_private_dns_zone",
    "azurerm_private_dns_zone_virtual_network_link", "azurerm_private_endpoint",
    "azurerm_postgresql_flexible_server_database", "azurerm_postgresql_flexible_server_configuration",
    "azurerm_storage_container", "azurerm_storage_management_policy", "azurerm_monitor_diagnostic_setting",
    "azurerm_monitor_action_group", "azurerm_monitor_workspace", "azurerm_monitor_alert_prometheus_rule_group",
    "azurerm_monitor_data_collection_endpoint", "azurerm_monitor_data_collection_rule",
    "azurerm_monitor_data_collection_rule_association", "azurerm_virtual_machine_extension",
    "azurerm_linux_virtual_machine",
}


def load(directory):
    """{"root"|module name: {"resource": {type: {name: body}}, "variable": {...}, "module": {...}, "text": str}}"""
    modules = {}
    for folder in [directory] + sorted(p for p in (directory / "modules").iterdir() if p.is_dir()):
        name = "root" if folder == directory else folder.name
        parsed = {"resource": {}, "variable": {}, "module": {}, "locals": {}, "text": ""}
        for path in sorted(folder.glob("*.tf")) + sorted(folder.glob("*.tf.json")):
            text = path.read_text()
            parsed["text"] += text
            doc = json.loads(text) if path.name.endswith(".json") else hcl2.loads(text)
            resources = doc.get("resource", [])
            for block in resources if isinstance(resources, list) else [resources]:
                for rtype, named in block.items():
                    for rname, body in named.items():
                        parsed["resource"].setdefault(rtype, {})[rname] = body
            for key in ("variable", "module"):
                for block in doc.get(key, []):
                    parsed[key].update(block)
            local_blocks = doc.get("locals", [])
            for block in local_blocks if isinstance(local_blocks, list) else [local_blocks]:
                parsed["locals"].update(block)
        for tpl in folder.glob("*.tftpl"):
            parsed["text"] += tpl.read_text()
        modules[name] = parsed
    return modules


def blocks(value):
    """An HCL block read by python-hcl2 is a list of dicts (or one dict in the JSON syntax)."""
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def res(modules, module, rtype):
    return modules[module]["resource"].get(rtype, {})


class Failures(list):
    def check(self, ok, message):
        if not ok:
            self.append(message)


def check_nsg(m, f):
    net = m["network"]
    groups = res(m, "network", "azurerm_network_security_group")
    f.check(set(groups) == {"frontend", "backend", "database"}, f"security groups: {sorted(groups)}")
    rules = res(m, "network", "azurerm_network_security_rule")
    by_group = {}
    for name, rule in rules.items():
        group = re.search(r"azurerm_network_security_group\.(\w+)\.name", rule["network_security_group_name"])
        by_group.setdefault(group.group(1) if group else "?", []).append((name, rule))
    subnets = {"frontend": "${local.subnets.frontend}", "backend": "${local.subnets.backend}",
               "database": "${local.subnets.database}"}

    def allows(group):
        return [(n, r) for n, r in by_group.get(group, []) if r["access"] == "Allow" and r["direction"] == "Inbound"]

    def ports(rule):
        return set(rule.get("destination_port_ranges") or [rule.get("destination_port_range")])

    def sources(rule):
        many = rule.get("source_address_prefixes")
        return many if many is not None else [rule.get("source_address_prefix")]

    # frontend: the app port from the Internet; the admin port and SSH from var.admin_cidrs only.
    front = {next(iter(ports(r))): (n, r) for n, r in allows("frontend")}
    f.check(set(front) == {"${tostring(var.app_port)}", "${tostring(var.admin_port)}", "22"},
            f"frontend allows exactly the app port, the admin port and SSH: {sorted(front)}")
    for port in ("${tostring(var.admin_port)}", "22"):
        if port in front:
            f.check(sources(front[port][1]) == "${var.admin_cidrs}" or sources(front[port][1]) == ["${var.admin_cidrs}"],
                    f"frontend {port} only from var.admin_cidrs: {sources(front[port][1])}")
    if "${tostring(var.app_port)}" in front:
        f.check(sources(front["${tostring(var.app_port)}"][1]) == ["Internet"], "the app port from the Internet")
        f.check(front["${tostring(var.app_port)}"][1]["protocol"] == "Tcp", "the app port is TCP")
    # backend: 8080/8001 and SSH from the frontend subnet only.
    for name, rule in allows("backend"):
        f.check(sources(rule) == [subnets["frontend"]], f"backend rule {name} from the frontend subnet only: {sources(rule)}")
        f.check(ports(rule) <= {"8080", "8001", "22"}, f"backend rule {name} ports: {ports(rule)}")
    # database: 5432 from the backend subnet only.
    database = allows("database")
    f.check(len(database) == 1, f"one allow rule on the database subnet: {[n for n, _ in database]}")
    for name, rule in database:
        f.check(ports(rule) == {"5432"} and sources(rule) == [subnets["backend"]],
                f"database rule {name}: 5432 from the backend subnet only ({ports(rule)} from {sources(rule)})")
    # Every group ends with a deny of everything, after its allows; no allow from anywhere but the app port.
    for group in groups:
        rules_here = by_group.get(group, [])
        denies = [r for _, r in rules_here if r["access"] == "Deny" and r["source_address_prefix"] == "*"
                  and r["destination_port_range"] == "*" and r["direction"] == "Inbound"]
        f.check(len(denies) == 1, f"{group}: one final deny of all inbound traffic")
        if denies:
            f.check(all(int(r["priority"]) < int(denies[0]["priority"]) for _, r in allows(group)),
                    f"{group}: the deny comes after every allow")
        for name, rule in allows(group):
            wide = {"*", "Internet", "0.0.0.0/0", "Any"} & set(map(str, sources(rule)))
            f.check(not wide or (group == "frontend" and ports(rule) == {"${tostring(var.app_port)}"}),
                    f"{group} rule {name} open to {wide}")
    assoc = res(m, "network", "azurerm_subnet_network_security_group_association")
    for group in groups:
        f.check(assoc.get(group, {}).get("subnet_id") == f"${{azurerm_subnet.{group}.id}}" and
                assoc[group].get("network_security_group_id") == f"${{azurerm_network_security_group.{group}.id}}",
                f"the {group} group is on the {group} subnet")
    cidrs = m["root"]["variable"].get("admin_cidrs", {})
    f.check("0.0.0.0/0" in json.dumps(cidrs.get("validation")), "admin_cidrs refuses 0.0.0.0/0")
    f.check("default" not in cidrs, "admin_cidrs has no default (every deployment names its admins)")
    del net


def check_database(m, f):
    servers = res(m, "database", "azurerm_postgresql_flexible_server")
    f.check(len(servers) == 1, "one Flexible Server")
    for server in servers.values():
        f.check(server.get("public_network_access_enabled") is False, "PostgreSQL: public network access off")
        f.check(server.get("delegated_subnet_id") == "${var.subnet_id}", "PostgreSQL in the delegated subnet")
        f.check(str(server.get("version")) == "15", "PostgreSQL 15 (the images' pg_dump)")
        f.check(server.get("geo_redundant_backup_enabled") is True, "geo-redundant backups")
        f.check(server.get("backup_retention_days") == "${var.backup_retention_days}", "backup retention from the variable")
    f.check(m["root"]["variable"]["backup_retention_days"].get("default") == 30, "30-day backups by default")
    for module in m:
        f.check(not res(m, module, "azurerm_postgresql_flexible_server_firewall_rule"),
                f"no PostgreSQL firewall rule ({module})")
    main = m["root"]["module"]["database"]
    f.check(main.get("subnet_id") == '${module.network.subnet_ids["database"]}', "the database module on the database subnet")
    settings = res(m, "database", "azurerm_postgresql_flexible_server_configuration").get("settings", {})
    f.check(blocks(settings.get("for_each"))[0].get("require_secure_transport") == "on", "PostgreSQL requires TLS")
    f.check("sslmode=require" in m["compute"]["text"], "the API connects with sslmode=require")


def check_key_vault(m, f):
    vaults = res(m, "keyvault", "azurerm_key_vault")
    for vault in vaults.values():
        f.check(vault.get("enable_rbac_authorization") is False, "Key Vault: access policies (RBAC off)")
        f.check(vault.get("purge_protection_enabled") is True, "Key Vault: purge protection")
        f.check(not vault.get("access_policy"), "Key Vault: no inline access policy")
        acl = blocks(vault.get("network_acls"))
        f.check(bool(acl) and acl[0].get("default_action") == "Deny", "Key Vault: deny by default")
    policies = res(m, "keyvault", "azurerm_key_vault_access_policy")
    f.check(set(policies) == {"app", "deployer"}, f"access policies: {sorted(policies)}")
    app = policies.get("app", {})
    f.check(app.get("object_id") == "${var.reader_object_id}", "the app's policy is the machines' identity's")
    f.check(app.get("secret_permissions") == ["Get"], f"the app may only get secrets: {app.get('secret_permissions')}")
    for kind in ("key_permissions", "certificate_permissions", "storage_permissions"):
        f.check(not app.get(kind), f"the app has no {kind}")
    f.check(m["root"]["module"]["keyvault"].get("reader_object_id") ==
            "${azurerm_user_assigned_identity.app.principal_id}", "the reader is the app's managed identity")
    secrets = {body.get("name") for module in m for body in res(m, module, "azurerm_key_vault_secret").values()}
    f.check({"db-password", "jwt-secret", "storage-account-key"} <= secrets, f"secrets in Key Vault: {secrets}")
    start = m["compute"]["text"]
    for secret in ("db_password", "jwt_secret", "mistral_api_key", "openrouter_api_key", "azure_storage_account_key"):
        f.check(secret in start, f"the machines write {secret} from Key Vault")


def check_https(m, f):
    for name, account in res(m, "storage", "azurerm_storage_account").items():
        f.check(account.get("https_traffic_only_enabled") is True, f"storage {name}: HTTPS only")
        f.check(account.get("min_tls_version") == "TLS1_2", f"storage {name}: TLS 1.2")
        f.check(account.get("allow_nested_items_to_be_public") is False, f"storage {name}: no public container")
        f.check(account.get("account_replication_type") in ("GRS", "RAGRS", "GZRS", "RAGZRS"),
                f"storage {name}: geo-redundant")
    for name, container in res(m, "storage", "azurerm_storage_container").items():
        f.check(container.get("container_access_type") == "private", f"container {name} private")
    text = m["compute"]["text"]
    f.check("BEGIN CERTIFICATE" in text and "exit 1" in text, "nginx refuses to start without its certificate")
    f.check(m["root"]["variable"]["public_hostname"].get("description", "").find("https") >= 0,
            "the public address is https://")


def check_diagnostics(m, f):
    for module in m:
        resources = m[module]["resource"]
        settings = resources.get("azurerm_monitor_diagnostic_setting", {})
        targets = " ".join(json.dumps(s.get("target_resource_id")) + json.dumps(s.get("for_each", ""))
                           for s in settings.values())
        for name, setting in settings.items():
            f.check(setting.get("log_analytics_workspace_id") in ("${var.workspace_id}", "${azurerm_log_analytics_workspace.main.id}"),
                    f"{module}: diagnostic setting {name} goes to Log Analytics")
            f.check(bool(blocks(setting.get("enabled_log")) or blocks(setting.get("metric"))),
                    f"{module}: diagnostic setting {name} sends something")
        for rtype, named in resources.items():
            if rtype not in DIAGNOSABLE | NOT_DIAGNOSABLE:
                f.append(f"{module}: {rtype} is not classified in check-terraform.py (diagnostic settings or not)")
            if rtype in DIAGNOSABLE:
                for name in named:
                    f.check(re.search(rf"\b{rtype}\.{name}\b", targets) is not None,
                            f"{module}: {rtype}.{name} has no diagnostic setting to Log Analytics")
    vms = res(m, "compute", "azurerm_linux_virtual_machine")
    agent = res(m, "compute", "azurerm_virtual_machine_extension").get("monitor_agent", {})
    for vm in vms:
        f.check(f"azurerm_linux_virtual_machine.{vm}" in json.dumps(agent.get("for_each")),
                f"the machine {vm} runs the Azure Monitor agent")
    f.check(agent.get("type") == "AzureMonitorLinuxAgent", "the Azure Monitor agent")
    assoc = res(m, "compute", "azurerm_monitor_data_collection_rule_association").get("logs", {})
    f.check(assoc.get("data_collection_rule_id") == "${var.dcr_id}", "every machine's agent has the log collection rule")


def check_alerts(m, f, directory):
    groups = res(m, "monitoring", "azurerm_monitor_alert_prometheus_rule_group")
    f.check("jobbot" in groups, "the Prometheus rule group")
    group = groups.get("jobbot", {})
    rule = blocks(group.get("dynamic", {}).get("rule") if isinstance(group.get("dynamic"), dict) else None)
    f.check(bool(rule) and rule[0].get("for_each") == "${local.rules}", "the rules come from the alerts file")
    content = rule[0].get("content", {}) if rule else {}
    f.check(content.get("expression") == "${rule.value.expr}" and content.get("alert") == "${rule.value.alert}",
            "each rule's name and expression are the file's")
    f.check("rule.value" in str(content.get("for")), "each rule's duration is the file's")
    f.check("yamldecode(file(var.alert_rules_file))" in json.dumps(m["monitoring"]["locals"]), "alerts.yml is read")
    path = m["root"]["module"]["monitoring"].get("alert_rules_file", "")
    f.check(path.startswith("${path.root}/"), f"the alerts file is found from the root module: {path}")
    target = (directory / path.replace("${path.root}/", "")).resolve()
    f.check(target == ROOT / "ops/prometheus/alerts.yml", f"the alerts file is ops/prometheus/alerts.yml: {target}")
    severities = m["monitoring"]["locals"].get("severity", {})
    if target.exists():
        rules = [r for g in yaml.safe_load(target.read_text())["groups"] for r in g["rules"]]
        f.check(len(rules) > 0, "alerts.yml has rules")
        for r in rules:
            f.check(re.fullmatch(r"PT\d+[SMH]", "PT" + str(r.get("for", "0m")).upper()) is not None,
                    f"{r['alert']}: duration {r.get('for')} converts to ISO 8601")
            f.check(r.get("labels", {}).get("severity") in severities, f"{r['alert']}: a severity Azure knows")


def check_variables(m, f, directory):
    variables = m["root"]["variable"]
    f.check(variables["location"].get("default") == "francecentral", "France Central by default")
    required = {name for name, body in variables.items() if "default" not in body}
    example = hcl2.loads((directory / "terraform.tfvars.example").read_text())
    f.check(required <= set(example), f"the example sets every required variable: missing {required - set(example)}")
    f.check(set(example) <= set(variables), f"the example sets unknown variables: {set(example) - set(variables)}")
    for cidr in example.get("admin_cidrs", []):
        ipaddress.ip_network(cidr)
    for module, call in m["root"]["module"].items():
        source = call.get("source", "")
        f.check(source == f"./modules/{module}", f"module {module} from ./modules/{module}")
        declared = set(m.get(module, {}).get("variable", {}))
        given = set(call) - {"source"}
        f.check(given == declared, f"module {module}: given {sorted(given - declared)} undeclared, "
                                   f"{sorted(declared - given)} missing")


def run(m, directory):
    f = Failures()
    for check in (check_nsg, check_database, check_key_vault, check_https, check_diagnostics):
        try:
            check(m, f)
        except (KeyError, IndexError, TypeError, AttributeError) as error:
            f.append(f"{check.__name__}: {type(error).__name__} {error}")
    for check in (check_alerts, check_variables):
        try:
            check(m, f, directory)
        except (KeyError, IndexError, TypeError, AttributeError) as error:
            f.append(f"{check.__name__}: {type(error).__name__} {error}")
    return f


def self_test(directory):
    """Each promise broken in a copy: the checks must notice every one."""
    base = load(directory)
    assert not run(base, directory), run(base, directory)

    def broken(change):
        m = copy.deepcopy(base)
        change(m)
        return run(m, directory)

    r = lambda m, module, rtype: m[module]["resource"][rtype]  # noqa: E731
    cases = {
        "the admin port open to all": lambda m: r(m, "network", "azurerm_network_security_rule")["admin_port"].update(
            source_address_prefixes=None, source_address_prefix="*"),
        "SSH from the backend subnet": lambda m: r(m, "network", "azurerm_network_security_rule")["admin_ssh"].update(
            source_address_prefixes=["${local.subnets.backend}"]),
        "PostgreSQL from the frontend": lambda m: r(m, "network", "azurerm_network_security_rule")["postgres_from_backend"].update(
            source_address_prefix="${local.subnets.frontend}"),
        "no final deny": lambda m: r(m, "network", "azurerm_network_security_rule").pop("database_deny"),
        "a public database": lambda m: r(m, "database", "azurerm_postgresql_flexible_server")["main"].update(
            public_network_access_enabled=True),
        "a firewall rule": lambda m: m["database"]["resource"].update(
            azurerm_postgresql_flexible_server_firewall_rule={"all": {}}),
        "the app may list secrets": lambda m: r(m, "keyvault", "azurerm_key_vault_access_policy")["app"].update(
            secret_permissions=["Get", "List"]),
        "a third policy": lambda m: r(m, "keyvault", "azurerm_key_vault_access_policy").update(other={}),
        "plain HTTP storage": lambda m: r(m, "storage", "azurerm_storage_account")["main"].update(
            https_traffic_only_enabled=False),
        "no diagnostics on the vault": lambda m: r(m, "keyvault", "azurerm_monitor_diagnostic_setting").pop("vault"),
        "an unclassified resource": lambda m: m["network"]["resource"].update(azurerm_firewall={"x": {}}),
        "alerts from elsewhere": lambda m: m["root"]["module"]["monitoring"].update(
            alert_rules_file="${path.root}/alerts.yml"),
        "Paris no more": lambda m: m["root"]["variable"]["location"].update(default="westeurope"),
    }
    missed = [name for name, change in cases.items() if not broken(change)]
    if missed:
        print("the checks did not notice:", ", ".join(missed))
        return 1
    print(f"self-test: each of the {len(cases)} broken promises was noticed")
    return 0


def main():
    args = sys.argv[1:]
    if args[:1] == ["--self-test"]:
        return self_test(pathlib.Path(args[1]) if len(args) > 1 else DEFAULT_DIR)
    directory = pathlib.Path(args[0]).resolve() if args else DEFAULT_DIR
    modules = load(directory)
    failures = run(modules, directory)
    count = sum(len(n) for mod in modules.values() for n in mod["resource"].values())
    if failures:
        print("\n".join(f"FAIL {line}" for line in failures))
        return 1
    print(f"terraform: {count} resources in {len(modules)} modules keep their promises")
    return 0


if __name__ == "__main__":
    sys.exit(main())
