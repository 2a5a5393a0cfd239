/**
 * The custom resources of {@code basalt.io/v1alpha1}: the contract between the CSI driver, the
 * operator and the engine. Quantities are plain bytes; every status carries
 * {@code observedGeneration} and standard Kubernetes conditions.
 */
package io.basalt.api.v1alpha1;
