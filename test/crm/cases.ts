// The crm configure language (crm(8), "configure" level). Each case is a small
// script and the `show` text real crmsh 4.4.1 prints for it (recorded by hand
// with crmsh on a CIB file; test/crm/differential.test.ts re-checks some live).
export const CASES: { name: string; input: string[]; show: string }[] = [
  {
    name: "a primitive with params, two ops and meta; start op gets interval=0 appended",
    input: ["primitive vip ocf:heartbeat:IPaddr2 params ip=192.168.50.10 cidr_netmask=24 op monitor interval=15s timeout=20s op start timeout=40s"],
    show: "primitive vip IPaddr2 \\\n\tparams ip=192.168.50.10 cidr_netmask=24 \\\n\top monitor interval=15s timeout=20s \\\n\top start timeout=40s interval=0",
  },
  {
    name: "attribute sets print in the order they were given",
    input: ["primitive httpd systemd:nginx op monitor interval=30s meta migration-threshold=2"],
    show: "primitive httpd systemd:nginx \\\n\top monitor interval=30s \\\n\tmeta migration-threshold=2",
  },
  {
    name: "values with characters other than letters, digits, . _ - are double-quoted; passwords are hidden",
    input: ['primitive f stonith:fence_ipmilan params ip=10.0.0.1 passwd="s3cr#t" pcmk_host_list="n1 n2" login=admin'],
    show: 'primitive f stonith:fence_ipmilan \\\n\tparams ip=10.0.0.1 passwd="******" pcmk_host_list="n1 n2" login=admin',
  },
  {
    name: "objects print by kind, then by id; constraints of all kinds sort together",
    input: [
      "primitive b Dummy", "primitive a Dummy", "group g b", "location z-loc a 10: n1",
      "colocation a-col inf: a g", "order m-ord a g",
    ],
    show: "primitive a Dummy\nprimitive b Dummy\ngroup g b\ncolocation a-col inf: a g\norder m-ord a g\nlocation z-loc a 10: n1",
  },
  {
    name: "a promotable clone with roles in colocation and actions in order",
    input: [
      "primitive db ocf:pacemaker:Stateful op monitor interval=9s role=Promoted", "clone db-clone db meta promotable=true",
      "primitive web Dummy", "colocation web-with-db inf: web db-clone:Promoted",
      "order db-first Mandatory: db-clone:promote web:start symmetrical=false",
    ],
    show: "primitive db ocf:pacemaker:Stateful \\\n\top monitor interval=9s role=Promoted\nprimitive web Dummy\nclone db-clone db \\\n\tmeta promotable=true\n"
      + "order db-first Mandatory: db-clone:promote web:start symmetrical=false\ncolocation web-with-db inf: web db-clone:Promoted",
  },
  {
    name: "property statements merge into one cluster_property_set",
    input: ["property cluster-name=lab", "property no-quorum-policy=ignore", "property cluster-name=lab2"],
    show: "property cib-bootstrap-options: \\\n\tcluster-name=lab2 \\\n\tno-quorum-policy=ignore",
  },
  {
    name: "location rules with date expressions (duration and date_spec)",
    input: ["primitive a Dummy", "location loc-dates a rule -inf: date in start=2030-01-01 weeks=2 or date spec weekdays=6-7"],
    show: "primitive a Dummy\nlocation loc-dates a \\\n\trule -inf: date in start=2030-01-01 weeks=2 or date spec weekdays=6-7",
  },
  {
    name: "resource sets with parentheses and brackets; deleting a member keeps the sets",
    input: [
      "primitive a Dummy", "primitive b Dummy", "primitive c Dummy", "primitive e Dummy",
      "colocation col-set -100: ( a b ) [ c e ]", "order ord-set Optional: a [ b c ] e:stop", "delete b",
    ],
    show: "primitive a Dummy\nprimitive c Dummy\nprimitive e Dummy\ncolocation col-set -100: ( a ) [ c e ]\norder ord-set Optional: a [ c ] e:stop",
  },
  {
    name: "rename follows references in constraints (and, like crmsh, simplifies a touched two-resource set)",
    input: ["primitive a Dummy", "primitive b Dummy", "order o a b", "colocation c inf: ( a b )", "rename a first"],
    show: "primitive b Dummy\nprimitive first Dummy\ncolocation c inf: b first\norder o first b",
  },
  {
    name: "deleting a resource from a plain two-resource set turns it into the simple form",
    input: ["primitive a Dummy", "primitive b Dummy", "primitive c Dummy", "colocation c3 inf: a b c", "delete b"],
    show: "primitive a Dummy\nprimitive c Dummy\ncolocation c3 inf: c a",
  },
  {
    name: "modgroup adds before/after and removes members",
    input: ["primitive a Dummy", "primitive b Dummy", "primitive c Dummy", "group g a", "modgroup g add c", "modgroup g add b before c", "modgroup g remove a"],
    show: "primitive a Dummy\nprimitive b Dummy\nprimitive c Dummy\ngroup g b c",
  },
  {
    name: "set and monitor edit existing primitives",
    input: ["primitive a Dummy meta target-role=Stopped", "set a.target-role Started", "monitor a 20s:10s"],
    show: "primitive a Dummy \\\n\tmeta target-role=Started \\\n\top monitor interval=20s timeout=10s",
  },
  {
    name: "ACL roles use crmsh's shortcuts; acl_target lists roles one per line",
    input: ["role ops write meta:web:target-role read nodeattr:site deny xpath://secrets", "acl_target carol ops"],
    show: "role ops \\\n\twrite meta:web:target-role \\\n\tread nodeattr:site \\\n\tdeny xpath:\"//secrets\"\nacl_target carol \\\n\tops",
  },
  {
    name: "fencing_topology without targets applies to every node and prints short",
    input: ["node n1", "node n2", "primitive f1 stonith:fence_dummy", "primitive f2 stonith:fence_dummy", "fencing_topology f1 f2"],
    show: "node n1\nnode n2\nprimitive f1 stonith:fence_dummy\nprimitive f2 stonith:fence_dummy\nfencing_topology f1 f2",
  },
  {
    name: "an alert with a recipient and select",
    input: ["alert mail /usr/local/bin/alert.sh select nodes resources to admin@example.org"],
    show: 'alert mail "/usr/local/bin/alert.sh" \\\n\tselect nodes resources \\\n\tto "admin@example.org"',
  },
  {
    name: "erase removes everything but nodes",
    input: ["node n1", "primitive a Dummy", "property x=1", "erase"],
    show: "node n1",
  },
];

