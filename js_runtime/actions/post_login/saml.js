// saml.js: owns api.samlResponse: SAML attributes (value checks, count and size budgets) and
// the SAML configuration setters, each checked against SAML_CONFIG.

import {
  ApiObject, charLength, emit, error, got, isFiniteNumber, seal, stateOf, typeError, utf8Length,
} from "../common/base.js";
import { JSONStringify, isArray, numberIsFinite } from "../common/builtins.js";
import {
  DEFAULT_NAME_ID_FORMAT, MAX_SAML_ATTRIBUTE_CHANGES, MAX_SAML_ATTRIBUTE_NAME,
  MAX_SAML_ATTRIBUTES_BYTES, MAX_SAML_VALUE_LENGTH, SAML_BOOLEAN, SAML_CONFIG, SAML_ENUM,
  SAML_NUMBER, SAML_PROBES, SAML_STRING,
} from "../common/limits.js";

function checkSamlConfig(name, key, value) {
  const spec = SAML_CONFIG[key];
  switch (spec[0]) {
    case SAML_STRING:
      if (typeof value !== "string") {
        throw typeError(name, key + " must be a string (got " + got(value) + ")");
      }
      if (charLength(value) > spec[1]) {
        throw error(name, key + " must be at most " + spec[1] + " characters (got " +
          charLength(value) + ")");
      }
      return;
    case SAML_BOOLEAN:
      if (typeof value !== "boolean") {
        throw typeError(name, key + " must be a boolean (got " + got(value) + ")");
      }
      return;
    case SAML_NUMBER:
      if (!isFiniteNumber(value)) {
        throw typeError(name, key + " must be a finite number (got " + got(value) + ")");
      }
      return;
    case SAML_ENUM:
      if (!spec[1].includes(value)) {
        throw error(name, key + " must be one of " + spec[1].map((v) => JSONStringify(v)).join(", ") +
          " (got " + got(value) + ")");
      }
      return;
    case SAML_PROBES:
      if (!isArray(value)) {
        throw typeError(name, key + " must be an array of strings (got " + got(value) + ")");
      }
      if (value.length > spec[1]) {
        throw error(name, key + " must have at most " + spec[1] + " items (got " + value.length + ")");
      }
      for (let i = 0; i < value.length; i++) {
        if (typeof value[i] !== "string") {
          throw typeError(name, key + "[" + i + "] must be a string (got " + got(value[i]) + ")");
        }
        if (charLength(value[i]) > spec[2]) {
          throw error(name, key + "[" + i + "] must be at most " + spec[2] + " characters");
        }
      }
  }
}

function checkSamlValue(name, value) {
  const t = typeof value;
  if (value === null || t === "boolean") return;
  if (t === "number") {
    if (!numberIsFinite(value)) throw error(name, "value must be a finite number (got " + got(value) + ")");
    return;
  }
  if (t === "string") {
    if (charLength(value) > MAX_SAML_VALUE_LENGTH) {
      throw error(name, "value must be at most " + MAX_SAML_VALUE_LENGTH + " characters (got " +
        charLength(value) + ")");
    }
    return;
  }
  if (isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const v = value[i];
      const vt = typeof v;
      if (vt === "boolean" || numberIsFinite(v)) continue; // Number.isFinite does not convert
      if (vt === "string") {
        if (charLength(v) > MAX_SAML_VALUE_LENGTH) {
          throw error(name, "value[" + i + "] must be at most " + MAX_SAML_VALUE_LENGTH + " characters");
        }
        continue;
      }
      throw typeError(name, "value[" + i + "] must be a string, number or boolean (got " + got(v) + ")");
    }
    return;
  }
  throw typeError(name, "value must be a string, number, boolean, array or null (got " + got(value) + ")");
}

function samlConfig(s, name, key, value) {
  checkSamlConfig(name, key, value);
  emit(s, name, [value]);
  return s.api;
}

export class SamlResponseApi extends ApiObject {
  constructor(s) {
    super(s);
  }
  setAttribute(attribute, value) {
    const N = "samlResponse.setAttribute";
    const s = stateOf(this, N);
    if (typeof attribute !== "string") {
      throw typeError(N, "attribute must be a string (got " + got(attribute) + ")");
    }
    if (attribute === "") throw error(N, "attribute must be a non-empty string");
    if (charLength(attribute) > MAX_SAML_ATTRIBUTE_NAME) {
      throw error(N, "attribute must be at most " + MAX_SAML_ATTRIBUTE_NAME + " characters (got " +
        charLength(attribute) + ")");
    }
    const v = value === undefined ? null : value;
    checkSamlValue(N, v);
    if (s.samlAttrs === null) s.samlAttrs = Object.create(null);
    const samlAttrs = s.samlAttrs;
    const isNew = !(attribute in samlAttrs);
    if (isNew && s.samlAttrCount >= MAX_SAML_ATTRIBUTE_CHANGES) {
      throw error(N, "at most " + MAX_SAML_ATTRIBUTE_CHANGES + " SAML attributes can be changed");
    }
    const previous = samlAttrs[attribute];
    samlAttrs[attribute] = v;
    const size = utf8Length(JSONStringify(samlAttrs));
    if (size > MAX_SAML_ATTRIBUTES_BYTES) {
      if (isNew) delete samlAttrs[attribute];
      else samlAttrs[attribute] = previous;
      throw error(N, "the serialized SAML attributes must be at most " + MAX_SAML_ATTRIBUTES_BYTES +
        " bytes (got " + size + ")");
    }
    if (isNew) s.samlAttrCount++;
    emit(s, N, [attribute, v]);
    return s.api;
  }
  setAudience(v) {
    const N = "samlResponse.setAudience";
    return samlConfig(stateOf(this, N), N, "audience", v);
  }
  setRecipient(v) {
    const N = "samlResponse.setRecipient";
    return samlConfig(stateOf(this, N), N, "recipient", v);
  }
  setCreateUpnClaim(v) {
    const N = "samlResponse.setCreateUpnClaim";
    return samlConfig(stateOf(this, N), N, "createUpnClaim", v);
  }
  setPassthroughClaimsWithNoMapping(v) {
    const N = "samlResponse.setPassthroughClaimsWithNoMapping";
    return samlConfig(stateOf(this, N), N, "passthroughClaimsWithNoMapping", v);
  }
  setMapUnknownClaimsAsIs(v) {
    const N = "samlResponse.setMapUnknownClaimsAsIs";
    return samlConfig(stateOf(this, N), N, "mapUnknownClaimsAsIs", v);
  }
  setMapIdentities(v) {
    const N = "samlResponse.setMapIdentities";
    return samlConfig(stateOf(this, N), N, "mapIdentities", v);
  }
  setSignatureAlgorithm(v) {
    const N = "samlResponse.setSignatureAlgorithm";
    return samlConfig(stateOf(this, N), N, "signatureAlgorithm", v);
  }
  setDigestAlgorithm(v) {
    const N = "samlResponse.setDigestAlgorithm";
    return samlConfig(stateOf(this, N), N, "digestAlgorithm", v);
  }
  setDestination(v) {
    const N = "samlResponse.setDestination";
    return samlConfig(stateOf(this, N), N, "destination", v);
  }
  setLifetimeInSeconds(v) {
    const N = "samlResponse.setLifetimeInSeconds";
    return samlConfig(stateOf(this, N), N, "lifetimeInSeconds", v);
  }
  setSignResponse(v) {
    const N = "samlResponse.setSignResponse";
    return samlConfig(stateOf(this, N), N, "signResponse", v);
  }
  setNameIdentifierFormat(v = DEFAULT_NAME_ID_FORMAT) {
    const N = "samlResponse.setNameIdentifierFormat";
    return samlConfig(stateOf(this, N), N, "nameIdentifierFormat", v);
  }
  setNameIdentifierProbes(v) {
    const N = "samlResponse.setNameIdentifierProbes";
    return samlConfig(stateOf(this, N), N, "nameIdentifierProbes", v);
  }
  setAuthnContextClassRef(v) {
    const N = "samlResponse.setAuthnContextClassRef";
    return samlConfig(stateOf(this, N), N, "authnContextClassRef", v);
  }
  setSigningCert(v) {
    const N = "samlResponse.setSigningCert";
    return samlConfig(stateOf(this, N), N, "signingCert", v);
  }
  setIncludeAttributeNameFormat(v) {
    const N = "samlResponse.setIncludeAttributeNameFormat";
    return samlConfig(stateOf(this, N), N, "includeAttributeNameFormat", v);
  }
  setTypedAttributes(v) {
    const N = "samlResponse.setTypedAttributes";
    return samlConfig(stateOf(this, N), N, "typedAttributes", v);
  }
  setEncryptionCert(v) {
    const N = "samlResponse.setEncryptionCert";
    return samlConfig(stateOf(this, N), N, "encryptionCert", v);
  }
  setEncryptionPublicKey(v) {
    const N = "samlResponse.setEncryptionPublicKey";
    return samlConfig(stateOf(this, N), N, "encryptionPublicKey", v);
  }
  setCert(v) {
    const N = "samlResponse.setCert";
    return samlConfig(stateOf(this, N), N, "cert", v);
  }
  setKey(v) {
    const N = "samlResponse.setKey";
    return samlConfig(stateOf(this, N), N, "key", v);
  }
  setRelayState(v) {
    const N = "samlResponse.setRelayState";
    return samlConfig(stateOf(this, N), N, "RelayState", v);
  }
  setIssuer(v) {
    const N = "samlResponse.setIssuer";
    return samlConfig(stateOf(this, N), N, "issuer", v);
  }
  setEncryptionAlgorithm(v) {
    const N = "samlResponse.setEncryptionAlgorithm";
    return samlConfig(stateOf(this, N), N, "encryptionAlgorithm", v);
  }
}

seal(SamlResponseApi);
