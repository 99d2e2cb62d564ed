import assert from "node:assert/strict";
import { formatCibError, loadCib, parseXml, type Cib, type XmlElement } from "../../src/cib/index.js";

export function parsedRoot(text: string, file = "test.xml"): XmlElement {
  const result = parseXml(text, file);
  if (!result.ok) assert.fail(formatCibError(result.error));
  return result.value.root;
}

export function loaded(text: string): Cib {
  const result = loadCib(parsedRoot(text), "test.xml");
  if (!result.ok) assert.fail(result.error.map(formatCibError).join("\n"));
  return result.value;
}

/** A CIB exercising most of the configuration schema (pacemaker-3.x syntax). */
export const RICH_CIB = `<cib epoch="7" num_updates="3" admin_epoch="1" validate-with="pacemaker-3.7" have-quorum="1" dc-uuid="1" execution-date="1700000000" crm_feature_set="3.17.4">
  <configuration>
    <crm_config>
      <cluster_property_set id="cib-bootstrap-options">
        <nvpair id="opt-stonith" name="stonith-enabled" value="false"/>
        <nvpair id="opt-cluster-name" name="cluster-name" value="alpha"/>
      </cluster_property_set>
      <cluster_property_set id="night" score="100">
        <rule id="night-rule" boolean-op="or">
          <date_expression id="night-hours" operation="date_spec"><date_spec id="night-spec" hours="0-6"/></date_expression>
        </rule>
        <nvpair id="night-stonith" name="stonith-enabled" value="true"/>
      </cluster_property_set>
    </crm_config>
    <nodes>
      <node id="1" uname="node1"><instance_attributes id="node1-attrs"><nvpair id="node1-rack" name="rack" value="a"/></instance_attributes></node>
      <node id="2" uname="node2" type="member"><utilization id="node2-util"><nvpair id="node2-cpu" name="cpu" value="4"/></utilization></node>
    </nodes>
    <resources>
      <template id="web-template" class="ocf" provider="heartbeat" type="apache">
        <operations><op id="web-template-monitor" name="monitor" interval="20s" timeout="40s"/></operations>
      </template>
      <primitive id="ip" class="ocf" provider="heartbeat" type="IPaddr2">
        <!-- the floating address -->
        <instance_attributes id="ip-params"><nvpair id="ip-ip" name="ip" value="10.0.0.88"/></instance_attributes>
        <meta_attributes id="ip-meta"><nvpair id="ip-target" name="target-role" value="Started"/></meta_attributes>
        <operations>
          <op id="ip-monitor" name="monitor" interval="30s" timeout="20s" on-fail="restart">
            <meta_attributes id="ip-monitor-meta"><nvpair id="ip-monitor-x" name="record-pending" value="true"/></meta_attributes>
          </op>
          <op id="ip-start" name="start" interval="0" timeout="1m"/>
        </operations>
      </primitive>
      <primitive id="web" template="web-template">
        <operations><op id="web-monitor" name="monitor" interval="10s"/></operations>
      </primitive>
      <group id="g"><primitive id="fs" class="ocf" provider="heartbeat" type="Filesystem"/><primitive id="db" class="lsb" type="mysql"/></group>
      <clone id="ping-clone"><primitive id="ping" class="ocf" provider="pacemaker" type="ping"/></clone>
      <clone id="drbd-clone">
        <meta_attributes id="drbd-clone-meta"><nvpair id="drbd-promotable" name="promotable" value="true"/></meta_attributes>
        <primitive id="drbd" class="ocf" provider="linbit" type="drbd">
          <operations><op id="drbd-mon-p" name="monitor" interval="10s" role="Promoted"/><op id="drbd-mon-u" name="monitor" interval="11s" role="Unpromoted"/></operations>
        </primitive>
      </clone>
      <primitive id="fence1" class="stonith" type="fence_dummy"/>
    </resources>
    <constraints>
      <rsc_location id="loc-ip" rsc="ip" node="node1" score="INFINITY"/>
      <rsc_location id="loc-rule" rsc="web" resource-discovery="exclusive">
        <rule id="loc-rule-r" score="-INFINITY" boolean-op="and">
          <expression id="loc-rule-e" attribute="rack" operation="ne" value="a"/>
        </rule>
      </rsc_location>
      <rsc_location id="loc-pattern" rsc-pattern="^d" node="node2" score="-5"/>
      <rsc_location id="loc-tag" rsc="webtag" node="node2" score="+INFINITY"/>
      <rsc_location id="loc-promoted" rsc="drbd-clone" role="Master">
        <rule id="loc-promoted-r" score-attribute="prefer"><expression id="loc-promoted-e" attribute="#uname" operation="defined"/></rule>
      </rsc_location>
      <rsc_colocation id="col-web-ip" rsc="web" with-rsc="ip" score="INFINITY" rsc-role="Started" with-rsc-role="Slave"/>
      <rsc_colocation id="col-set" score="500">
        <resource_set id="col-set-1" sequential="false" role="Promoted"><resource_ref id="fs"/><resource_ref id="db"/></resource_set>
        <resource_set id="col-set-2"><resource_ref id="ip"/></resource_set>
      </rsc_colocation>
      <rsc_order id="ord-ip-web" first="ip" then="web" kind="Optional" first-action="start"/>
      <rsc_order id="ord-legacy" first="drbd-clone" first-action="promote" then="g" then-action="start" score="0"/>
      <rsc_order id="ord-serialize" first="fs" then="db" kind="Serialize"/>
      <rsc_order id="ord-tag" first="ip" then="webtag"/>
      <rsc_ticket id="tkt" ticket="ticketA" rsc="g" loss-policy="fence"/>
    </constraints>
    <rsc_defaults><meta_attributes id="rsc-options"><nvpair id="rsc-stickiness" name="resource-stickiness" value="100"/></meta_attributes></rsc_defaults>
    <op_defaults>
      <meta_attributes id="op-options"><nvpair id="op-timeout" name="timeout" value="30s"/></meta_attributes>
      <meta_attributes id="op-monitor-defaults" score="10">
        <rule id="op-monitor-rule"><op_expression id="op-monitor-expr" name="monitor" interval="10s"/></rule>
        <nvpair id="op-monitor-timeout" name="timeout" value="5s"/>
      </meta_attributes>
    </op_defaults>
    <fencing-topology>
      <fencing-level id="fl-1" index="1" target="node1" devices="fence1,fence2"/>
      <fencing-level id="fl-2" index="2" target-pattern="node\\d" devices="fence1"/>
    </fencing-topology>
    <tags><tag id="webtag"><obj_ref id="web"/><obj_ref id="ip"/></tag></tags>
    <acls>
      <acl_target id="alice"><role id="readers"/></acl_target>
      <acl_role id="readers"><acl_permission id="readers-read" kind="read" xpath="/cib"/></acl_role>
    </acls>
    <alerts>
      <alert id="smtp" path="/usr/bin/alert.sh">
        <select><select_fencing/><select_attributes><attribute id="smtp-attr" name="standby"/></select_attributes></select>
        <recipient id="smtp-to" value="ops@example.com"/>
      </alert>
    </alerts>
  </configuration>
  <status>
    <node_state id="1" uname="node1" in_ccm="true" crmd="online" crm-debug-origin="do_update_resource" join="member" expected="member">
      <transient_attributes id="1">
        <instance_attributes id="status-1">
          <nvpair id="status-1-fail-count-ip" name="fail-count-ip#monitor_30000" value="1"/>
          <nvpair id="status-1-master-drbd" name="master-drbd" value="10"/>
        </instance_attributes>
      </transient_attributes>
      <lrm id="1">
        <lrm_resources>
          <lrm_resource id="ip" type="IPaddr2" class="ocf" provider="heartbeat">
            <lrm_rsc_op id="ip_last_0" operation_key="ip_start_0" operation="start" transition-key="3:1:0:6f8a7c1e-2d71-4f68-9f4a-0123456789ab" transition-magic="0:0;3:1:0:6f8a7c1e-2d71-4f68-9f4a-0123456789ab" call-id="12" rc-code="0" op-status="0" interval="0" last-rc-change="1699999000" exec-time="52" queue-time="0" op-digest="abc" on_node="node1"/>
            <lrm_rsc_op id="ip_monitor_30000" operation_key="ip_monitor_30000" operation="monitor" transition-key="4:1:0:6f8a7c1e-2d71-4f68-9f4a-0123456789ab" call-id="13" rc-code="7" op-status="0" interval="30000"/>
          </lrm_resource>
        </lrm_resources>
      </lrm>
    </node_state>
    <node_state id="2" uname="node2" in_ccm="1700000000" crmd="offline" join="down" expected="down"/>
    <tickets><ticket_state id="ticketA" granted="true" last-granted="1699990000"/></tickets>
  </status>
</cib>`;
