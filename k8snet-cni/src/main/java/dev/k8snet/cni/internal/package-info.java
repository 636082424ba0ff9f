/** Implementation details of k8snet-cni; not API. */
package dev.k8snet.cni.internal;
