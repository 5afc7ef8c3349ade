package org.otplatform.common.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.otplatform.common.config.ConfigException;

class CatalogTest {
  @Test
  void builtInCatalogLoads() {
    Catalog catalog = Catalog.load(null);
    assertEquals("kriging", catalog.defaultType());
    assertEquals("kriging", catalog.type("kriging").orElseThrow().services().get(0).name());
    assertEquals(java.time.Duration.ofSeconds(90), catalog.type("kriging").orElseThrow().openTimeout(),
        "the built-in (local-mode) catalog's open timeout: the start timeout plus 30 s, no scheduling grace");
    assertEquals(ServiceSpec.DEFAULT_RESTART_LIMIT, catalog.type("kriging").orElseThrow().services().get(0).restartLimit());
  }

  @Test
  void profilesAreReadInTheirOrderWithTheFirstAsDefault() {
    Catalog catalog = Catalog.parse(new JsonObject("""
        {"defaultType": "t", "types": {"t": {
          "profiles": {"small": {"description": "2 CPUs"}, "gpu": {"groups": ["gpu-users"],
                       "resources": {"limits": {"nvidia.com/gpu": "1"}}, "env": {"USE_GPU": "1"}}},
          "services": [{"name": "a", "image": "x:1", "env": {"USE_GPU": "0", "MODE": "m"}}]}}}"""), "test");
    SessionType type = catalog.type("t").orElseThrow();
    assertEquals(java.util.List.of("small", "gpu"), java.util.List.copyOf(type.profiles().keySet()));
    assertEquals("small", type.defaultProfile());
    assertEquals("2 CPUs", type.profile(null).orElseThrow().description());
    ServiceSpec gpu = type.servicesFor("gpu").get(0);
    assertEquals(java.util.Map.of("USE_GPU", "1", "MODE", "m"), gpu.env(), "the profile's env over the service's");
    assertEquals("1", gpu.resources().limits().get("nvidia.com/gpu"));
    assertEquals("512Mi", gpu.resources().limits().get("memory"), "the service's own limits stay");
    Profile profile = type.profile("gpu").orElseThrow();
    assertTrue(profile.allows(java.util.Set.of("gpu-users", "x"), false));
    assertTrue(!profile.allows(java.util.Set.of("x"), false) && profile.allows(java.util.Set.of(), true));
    assertEquals(type.services(), type.servicesFor("missing"), "an unknown profile changes nothing here");
  }

  @Test
  void badProfilesNameTheirFieldAndEntry() {
    ConfigException e = assertThrows(ConfigException.class, () -> Catalog.parse(new JsonObject("""
        {"defaultType": "t", "types": {"t": {"defaultProfile": "none",
          "profiles": {"Big": {}, "gpu": {"cpus": 4, "tolerations": [{"operator": "Sometimes", "effect": "Never"},
                       {"key": "k", "operator": "Exists", "value": "v"}, {"value": "v"}],
                       "nodeSelector": {"pool": "has space"}, "affinity": {"nodeAffinityy": {}},
                       "imagePullSecrets": ["Bad_Name"], "resources": {"limits": {"nvidia.com/gpu": "one"}}}},
          "services": [{"name": "a", "image": "x:1"}]}}}"""), "test"));
    String m = e.getMessage();
    for (String expected : List.of(
        "type 't', profile 'Big': a profile's name must match",
        "type 't', profile 'gpu': unknown field 'cpus'",
        "profile 'gpu': tolerations[0]: operator must be Equal or Exists, got Sometimes",
        "profile 'gpu': tolerations[0]: effect must be NoSchedule, PreferNoSchedule or NoExecute, got Never",
        "profile 'gpu': tolerations[1]: an Exists toleration has no value",
        "profile 'gpu': tolerations[2]: without a key the operator must be Exists",
        "profile 'gpu': nodeSelector.pool is not a valid entry: has space",
        "profile 'gpu': affinity.nodeAffinityy must be one of nodeAffinity, podAffinity, podAntiAffinity",
        "profile 'gpu': imagePullSecrets has an invalid entry: Bad_Name",
        "profile 'gpu': resources.limits.nvidia.com/gpu is not a quantity: 'one'",
        "type 't': defaultProfile 'none' is not one of its profiles")) {
      assertTrue(m.contains(expected), "missing: " + expected + "\nin: " + m);
    }
  }

  @Test
  void storageIsPerProjectAndMountedByEveryServiceOfTheType() {
    Catalog catalog = Catalog.parse(new JsonObject("""
        {"defaultType": "t", "types": {
          "t": {"storage": {"size": "5Gi", "storageClass": "fast-ssd", "accessMode": "ReadWriteMany"},
                "services": [{"name": "a", "image": "x:1"}, {"name": "b", "image": "x:1"}]},
          "plain": {"storage": {}, "services": [{"name": "a", "image": "x:1"}]},
          "none": {"services": [{"name": "a", "image": "x:1"}]}}}"""), "test");
    SessionType type = catalog.type("t").orElseThrow();
    assertEquals(new Storage("data", "/data", "5Gi", "fast-ssd", "ReadWriteMany"), type.storage());
    assertEquals(new Storage("data", "/data", "1Gi", null, "ReadWriteOnce"), catalog.type("plain").orElseThrow().storage(),
        "the defaults");
    List<ServiceSpec> services = type.servicesFor("p-1", null);
    assertEquals(List.of("p-1", "p-1"), services.stream().map(s -> s.volume().project()).toList());
    assertEquals(null, type.services().get(0).volume(), "the type's own services name no project");
    assertEquals(null, catalog.type("none").orElseThrow().servicesFor("p-1", null).get(0).volume());
  }

  @Test
  void badStorageNamesItsFields() {
    ConfigException e = assertThrows(ConfigException.class, () -> Catalog.parse(new JsonObject("""
        {"defaultType": "t", "types": {
          "t": {"storage": {"volume": "My Data", "mountPath": "/tmp/x", "size": "lots", "accessMode": "ReadOnlyMany",
                            "storageClass": "Fast_SSD", "reclaim": true},
                "services": [{"name": "a", "image": "x:1"}]},
          "u": {"storage": {"mountPath": "relative/path"}, "services": [{"name": "a", "image": "x:1"}]},
          "v": {"storage": "yes", "services": [{"name": "a", "image": "x:1"}]}}}"""), "test"));
    String m = e.getMessage();
    for (String expected : List.of(
        "type 't': storage.volume must match [a-z][a-z0-9-]{0,19}, got 'My Data'",
        "type 't': storage.mountPath must be an absolute path other than [/tmp, /etc/ot, /proc, /sys, /dev], got '/tmp/x'",
        "type 't': storage.size is not a quantity: 'lots'",
        "type 't': storage.storageClass is not a storage class name: 'Fast_SSD'",
        "type 't': storage.accessMode must be one of [ReadWriteMany, ReadWriteOnce, ReadWriteOncePod], got 'ReadOnlyMany'",
        "type 't': storage has no field 'reclaim'",
        "type 'u': storage.mountPath must be an absolute path",
        "type 'v': storage must be an object")) {
      assertTrue(m.contains(expected), "missing '" + expected + "' in: " + m);
    }
  }

  @Test
  void aSessionsPoolIsItsProfilesElseItsTypesElseTheDefault() {
    Catalog catalog = Catalog.parse(new JsonObject("""
        {"defaultType": "t", "types": {
          "t": {"pool": "workstation", "profiles": {"std": {}, "gpu": {"pool": "gpu-nodes"}},
                "services": [{"name": "a", "image": "x:1"}]},
          "u": {"services": [{"name": "a", "image": "x:1"}]}}}"""), "test");
    SessionType t = catalog.type("t").orElseThrow();
    assertEquals("workstation", t.poolFor(null), "the default profile, std, has the type's");
    assertEquals("gpu-nodes", t.poolFor("gpu"));
    assertEquals(Pools.DEFAULT, catalog.type("u").orElseThrow().poolFor(null));
    assertEquals(List.of("default", "gpu-nodes", "workstation"), List.copyOf(catalog.pools()));

    ConfigException e = assertThrows(ConfigException.class, () -> Catalog.parse(new JsonObject("""
        {"defaultType": "t", "types": {
          "t": {"pool": "GPU Nodes", "services": [{"name": "a", "image": "x:1"}]},
          "u": {"profiles": {"p": {"pool": 7}}, "services": [{"name": "a", "image": "x:1"}]}}}"""), "test"));
    assertTrue(e.getMessage().contains("type 't': pool must match " + Pools.NAME + ", got 'GPU Nodes'"), e.getMessage());
    assertTrue(e.getMessage().contains("'p'") && e.getMessage().contains("pool"), e.getMessage());
  }

  @Test
  void warmInstancesAreKeptPerTypeAndProfileButNeverForStorage() {
    Catalog catalog = Catalog.parse(new JsonObject("""
        {"defaultType": "t", "types": {
          "t": {"warm": 2, "profiles": {"std": {}, "big": {"warm": 1}, "rare": {}},
                "services": [{"name": "a", "image": "x:1"}]},
          "u": {"warm": 3, "services": [{"name": "a", "image": "x:1"}]},
          "v": {"services": [{"name": "a", "image": "x:1"}]}}}"""), "test");
    SessionType t = catalog.type("t").orElseThrow();
    assertEquals(2, t.warmFor(null), "the default profile, std, has the type's");
    assertEquals(2, t.warmFor("std"));
    assertEquals(1, t.warmFor("big"));
    assertEquals(0, t.warmFor("rare"), "another profile has none unless it says so");
    assertEquals(java.util.Map.of("std", 2, "big", 1), t.warmProfiles());
    java.util.Map<String, Integer> plain = new java.util.HashMap<>();
    plain.put(null, 3);
    assertEquals(plain, catalog.type("u").orElseThrow().warmProfiles());
    assertTrue(catalog.type("v").orElseThrow().warmProfiles().isEmpty());

    ConfigException e = assertThrows(ConfigException.class, () -> Catalog.parse(new JsonObject("""
        {"defaultType": "t", "types": {
          "t": {"warm": 99, "services": [{"name": "a", "image": "x:1"}]},
          "u": {"profiles": {"p": {"warm": "many"}}, "services": [{"name": "a", "image": "x:1"}]},
          "w": {"storage": {"mountPath": "/data"}, "profiles": {"p": {"warm": 1}},
                "services": [{"name": "a", "image": "x:1"}]}}}"""), "test"));
    String m = e.getMessage();
    for (String expected : List.of("type 't': warm must be between 0 and " + Catalog.MAX_WARM + ", got 99",
        "profile 'p': warm must be an integer, got many",
        "type 'w': warm instances cannot be kept for a type with storage")) {
      assertTrue(m.contains(expected), "missing '" + expected + "' in: " + m);
    }
  }

  @Test
  void aPodMayWaitOutItsSchedulingGraceBeforeTheOpenTimesOut() {
    Catalog catalog = Catalog.parse(new JsonObject("""
        {"defaultType": "pods", "types": {
          "pods": {"services": [{"name": "a", "image": "x:1", "startTimeoutSeconds": 20}]},
          "gpu": {"schedulingGraceSeconds": 600, "services": [{"name": "a", "image": "x:1"}]},
          "strict": {"schedulingGraceSeconds": 0, "services": [{"name": "a", "image": "x:1"}]}
        }}"""), "test");
    SessionType pods = catalog.type("pods").orElseThrow();
    assertEquals(ServiceSpec.DEFAULT_SCHEDULING_GRACE, pods.services().get(0).schedulingGrace());
    assertEquals(java.time.Duration.ofSeconds(20 + 300 + 30), pods.openTimeout(), "start timeout + grace + 30 s");
    assertEquals(java.time.Duration.ofSeconds(600), catalog.type("gpu").orElseThrow().services().get(0).schedulingGrace());
    assertEquals(java.time.Duration.ZERO, catalog.type("strict").orElseThrow().services().get(0).schedulingGrace());
    ConfigException e = assertThrows(ConfigException.class, () -> Catalog.parse(new JsonObject("""
        {"defaultType": "p", "types": {"p": {"schedulingGraceSeconds": -1, "services": [{"name": "a", "image": "x:1"}]}}}"""),
        "test"));
    assertTrue(e.getMessage().contains("type 'p': schedulingGraceSeconds must be 0 (fail at once) or more"), e.getMessage());
  }

  @Test
  void problemsNameTheirEntry() {
    JsonObject json = new JsonObject("""
        {"defaultType": "missing",
         "types": {
           "a": {"services": [{"name": "Bad Name"}]},
           "b": {"services": [{"name": "x"}, {"name": "x", "command": ["run"]}]},
           "c": {"services": []},
           "d": {"idleTimeoutSeconds": -5, "services": [{"name": "y", "command": ["run"], "port": "80", "restartLimit": -1, "readinessPath": "ready"}]}
         }}""");
    ConfigException e = assertThrows(ConfigException.class, () -> Catalog.parse(json, "test"));
    String m = e.getMessage();
    assertTrue(m.contains("type 'a'") && m.contains("'name' must match"), m);
    assertTrue(m.contains("type 'b', service 'x': needs a 'command'"), m);
    assertTrue(m.contains("type 'b', service 'x' is listed twice"), m);
    assertTrue(m.contains("type 'c': 'services' must be a non-empty array"), m);
    assertTrue(m.contains("defaultType 'missing'"), m);
    assertTrue(m.contains("type 'd', service 'y': port must be an integer, got 80"), m);
    assertTrue(m.contains("type 'd', service 'y': restartLimit must be between 0 and 100"), m);
    assertTrue(m.contains("type 'd': idleTimeoutSeconds must be 0 (never) or more"), m);
    assertTrue(m.contains("type 'd', service 'y': readinessPath must be an absolute URL path, got ready"), m);
  }

  @Test
  void unreadableFileIsAConfigError() {
    ConfigException e = assertThrows(ConfigException.class, () -> Catalog.load("/no/such/catalog.json"));
    assertTrue(e.getMessage().contains("/no/such/catalog.json"));
  }
}
