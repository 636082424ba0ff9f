/**
 * Test fixtures for downstream projects: jqwik arbitraries for k8snet's values and model, and JUnit
 * 5 extensions such as a fresh network namespace per test.
 */
package dev.k8snet.testkit;
