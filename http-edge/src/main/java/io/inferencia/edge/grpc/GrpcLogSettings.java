package io.inferencia.edge.grpc;

import io.inferencia.edge.logging.LogSettings;
import io.inferencia.protocols.grpc.LogSettingsRequest;
import io.inferencia.protocols.grpc.LogSettingsResponse;
import java.util.LinkedHashMap;
import java.util.Map;

/** The logging extension's gRPC messages. */
final class GrpcLogSettings {
  private GrpcLogSettings() {}

  /** Requested changes as plain values (String, Boolean, Long); an unset value passes as "" to be refused by type. */
  static Map<String, Object> changes(LogSettingsRequest in) {
    Map<String, Object> out = new LinkedHashMap<>();
    in.getSettingsMap().forEach((k, v) -> out.put(k, switch (v.getParameterChoiceCase()) {
      case BOOL_PARAM -> v.getBoolParam();
      case UINT32_PARAM -> Integer.toUnsignedLong(v.getUint32Param());
      case STRING_PARAM -> v.getStringParam();
      case PARAMETERCHOICE_NOT_SET -> "(no value)";
    }));
    return out;
  }

  static LogSettingsResponse response(LogSettings s) {
    return LogSettingsResponse.newBuilder()
        .putSettings(LogSettings.FILE, string(s.logFile()))
        .putSettings(LogSettings.INFO, bool(s.logInfo()))
        .putSettings(LogSettings.WARNINGS, bool(s.logWarnings()))
        .putSettings(LogSettings.ERRORS, bool(s.logErrors()))
        .putSettings(LogSettings.VERBOSE, LogSettingsResponse.SettingValue.newBuilder().setUint32Param(s.verboseLevel()).build())
        .putSettings(LogSettings.FORMAT, string(s.logFormat()))
        .build();
  }

  private static LogSettingsResponse.SettingValue string(String v) {
    return LogSettingsResponse.SettingValue.newBuilder().setStringParam(v).build();
  }

  private static LogSettingsResponse.SettingValue bool(boolean v) {
    return LogSettingsResponse.SettingValue.newBuilder().setBoolParam(v).build();
  }
}
