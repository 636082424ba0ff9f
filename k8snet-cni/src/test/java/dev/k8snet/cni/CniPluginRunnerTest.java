package dev.k8snet.cni;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.k8snet.cni.Calls.Outcome;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CniPluginRunnerTest {
  /** Records what it was called with. */
  static class Recorder implements CniPlugin {
    final List<String> calls = new ArrayList<>();

    @Override
    public CniResult add(CniRequest request) {
      calls.add("ADD " + request.config().name());
      return request.config().prevResult().orElse(CniResult.empty(request.config().cniVersion()));
    }

    @Override
    public void del(CniRequest request) {
      calls.add("DEL");
    }

    @Override
    public void check(CniRequest request) {
      calls.add("CHECK");
    }

    @Override
    public void gc(CniRequest request, List<Attachment> valid) {
      calls.add("GC " + valid);
    }
  }

  private static final String CONF = "{\"cniVersion\":\"1.0.0\",\"name\":\"t1\",\"type\":\"x\"}";

  private static Map<String, String> add() {
    return Calls.env("ADD", "ctr-a", "/run/netns/x", "eth0");
  }

  @Test
  void versionListsEveryReleasedVersionAndEchoesTheInput() {
    Outcome o =
        Calls.run(
                new Recorder(),
                Calls.env("VERSION", null, null, null),
                "{\"cniVersion\":\"0.4.0\"}")
            .ok();
    assertEquals("0.4.0", o.json().get("cniVersion").asText());
    assertEquals(
        "[\"0.1.0\",\"0.2.0\",\"0.3.0\",\"0.3.1\",\"0.4.0\",\"1.0.0\",\"1.1.0\"]",
        o.json().get("supportedVersions").toString());
    Outcome any = Calls.run(new Recorder(), Calls.env("VERSION", null, null, null), "").ok();
    assertEquals("1.1.0", any.json().get("cniVersion").asText());
  }

  @Test
  void withoutCommandPrintsAboutTextOnStderrAndSucceeds() {
    Map<String, String> env = add();
    env.remove("CNI_COMMAND");
    Outcome o = Calls.run(new Recorder(), env, CONF);
    assertEquals(0, o.rc());
    assertEquals("", o.stdout());
    assertTrue(o.stderr().contains("test plugin"));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "no netns|CNI_NETNS||4|required env variables [CNI_NETNS] missing",
        "no path|CNI_PATH||4|required env variables [CNI_PATH] missing",
        "bad command|CNI_COMMAND|FOO|4|unknown CNI_COMMAND: FOO",
        "bad container id|CNI_CONTAINERID|-bad/id|4|invalid characters in containerID",
        "long ifname|CNI_IFNAME|eth0123456789abcd|4|interface name is too long",
        "slash ifname|CNI_IFNAME|a/b|4|interface name contains / or : or whitespace characters",
        "bad args|CNI_ARGS|novalue|4|ARGS: invalid pair \"novalue\"",
      })
  void environmentErrorsNameTheVariable(
      String what, String var, String value, int code, String msg) {
    Map<String, String> env = add();
    if (value == null) {
      env.remove(var);
    } else {
      env.put(var, value);
    }
    Outcome o = Calls.run(new Recorder(), env, CONF);
    assertEquals(code, o.code(), o.stdout());
    assertEquals(msg, o.msg());
    assertTrue(o.json().has("cniVersion"), "error JSON carries cniVersion");
    assertTrue(o.json().has("details"), "error JSON carries details");
  }

  @Test
  void missingContainerIdAndIfnameAreListedTogether() {
    Map<String, String> env = add();
    env.remove("CNI_CONTAINERID");
    env.remove("CNI_IFNAME");
    Outcome o = Calls.run(new Recorder(), env, CONF);
    assertEquals(4, o.code());
    assertEquals("required env variables [CNI_CONTAINERID,CNI_IFNAME] missing", o.msg());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "truncated|{\"cniVersion\":\"1.0.0\",\"name\"|6|error unmarshalling network config",
        "not an object|[1,2]|6|error unmarshalling network config",
        "no name|{\"cniVersion\":\"1.0.0\",\"type\":\"x\"}|7|missing network name",
        "bad name|{\"cniVersion\":\"1.0.0\",\"name\":\"bad name!\"}|7|invalid characters found in network name",
        "unknown version|{\"cniVersion\":\"9.9.9\",\"name\":\"n\"}|1|incompatible CNI versions",
        "garbage version|{\"cniVersion\":\"abc\",\"name\":\"n\"}|1|incompatible CNI versions",
        "bad prevResult|{\"cniVersion\":\"1.0.0\",\"name\":\"n\",\"prevResult\":{\"ips\":[{\"address\":\"banana\"}]}}|6|could not parse prevResult",
      })
  void configurationErrorsHaveTheSpecCodes(String what, String conf, int code, String msg) {
    Outcome o = Calls.run(new Recorder(), add(), conf);
    assertEquals(code, o.code(), o.stdout());
    assertEquals(msg, o.msg());
    assertFalse(o.json().path("details").asText().isEmpty(), o.stdout());
  }

  @Test
  void incompatibleVersionDetailsListTheSupportedOnes() {
    Outcome o = Calls.run(new Recorder(), add(), "{\"cniVersion\":\"9.9.9\",\"name\":\"n\"}");
    assertTrue(
        o.json()
            .get("details")
            .asText()
            .startsWith("config is \"9.9.9\", plugin supports [\"0.1.0\""),
        o.stdout());
  }

  @ParameterizedTest
  @CsvSource({"CHECK,0.3.1", "GC,1.0.0", "STATUS,1.0.0"})
  void verbsNeedTheirMinimumVersion(String verb, String version) {
    Map<String, String> env = Calls.env(verb, "c", "/run/netns/x", "eth0");
    Outcome o =
        Calls.run(new Recorder(), env, "{\"cniVersion\":\"" + version + "\",\"name\":\"n\"}");
    assertEquals(1, o.code());
    assertEquals("config version does not allow " + verb, o.msg());
  }

  @Test
  void configWithoutVersionIsTreatedAsZeroOneZero() {
    String prev =
        "{\"cniVersion\":\"1.0.0\",\"ips\":[{\"address\":\"10.0.0.2/24\",\"gateway\":\"10.0.0.1\"}]}";
    Outcome o =
        Calls.run(new Recorder(), add(), "{\"name\":\"n\",\"prevResult\":" + prev + "}").ok();
    assertEquals(
        "{\"cniVersion\":\"0.1.0\",\"ip4\":{\"ip\":\"10.0.0.2/24\",\"gateway\":\"10.0.0.1\"},\"dns\":{}}",
        o.stdout());
  }

  @Test
  void gcReceivesTheValidAttachments() {
    Recorder r = new Recorder();
    Map<String, String> env = Calls.env("GC", null, null, null);
    Calls.run(
            r,
            env,
            "{\"cniVersion\":\"1.1.0\",\"name\":\"n\",\"cni.dev/valid-attachments\":[{\"containerID\":\"a\",\"ifname\":\"eth0\"}]}")
        .ok();
    assertEquals(List.of("GC [Attachment[containerId=a, ifname=eth0]]"), r.calls);
  }

  @Test
  void unexpectedFailuresAreNotCode999() {
    CniPlugin boom =
        new Recorder() {
          @Override
          public CniResult add(CniRequest request) {
            throw new IllegalStateException("kaput");
          }
        };
    Outcome o = Calls.run(boom, add(), CONF);
    assertEquals(100, o.code());
    assertEquals("kaput", o.json().get("details").asText());
  }

  @Test
  void delAndCheckPrintNothing() {
    assertEquals(
        "", Calls.run(new Recorder(), Calls.env("DEL", "c", "", "eth0"), CONF).ok().stdout());
    assertEquals(
        "", Calls.run(new Recorder(), Calls.env("CHECK", "c", "/x", "eth0"), CONF).ok().stdout());
  }
}
