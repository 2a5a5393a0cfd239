package io.basalt.api.v1alpha1;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/** Written by the admin: the pools Basalt may place replicas on. */
@Group(BasaltResources.GROUP)
@Version(BasaltResources.VERSION)
@ShortNames("spc")
@AdditionalPrinterColumn(name = "Pools", jsonPath = ".status.poolsTotal", type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(name = "Online", jsonPath = ".status.poolsOnline", type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(name = "Capacity", jsonPath = ".status.capacityBytes", type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(name = "Free", jsonPath = ".status.freeBytes", type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(name = "Ready", jsonPath = ".status.conditions[?(@.type==\"Ready\")].status", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp", type = AdditionalPrinterColumn.Type.DATE)
public class StoragePoolCluster extends CustomResource<StoragePoolClusterSpec, StoragePoolClusterStatus>
        implements Namespaced {
}
