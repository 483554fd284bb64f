/* Security keys (WebAuthn) for the sign-in, re-authentication and "add a key" pages.
 *
 * A button marked data-security-key="get" or "create" reads the options the server put
 * in a JSON block (data-options names it), asks the browser for the key, writes the
 * answer as JSON into the form's hidden "credential" field and submits the form. The
 * server checks everything; this file only converts between base64url and bytes.
 * Without JavaScript or WebAuthn the button stays hidden and the page's other route
 * (the authenticator app) remains.
 */
(function () {
  "use strict";

  function toBytes(value) {
    var text = value.replace(/-/g, "+").replace(/_/g, "/");
    while (text.length % 4) {
      text += "=";
    }
    var binary = window.atob(text);
    var bytes = new Uint8Array(binary.length);
    for (var i = 0; i < binary.length; i += 1) {
      bytes[i] = binary.charCodeAt(i);
    }
    return bytes.buffer;
  }

  function toText(buffer) {
    if (!buffer) {
      return null;
    }
    var bytes = new Uint8Array(buffer);
    var binary = "";
    for (var i = 0; i < bytes.length; i += 1) {
      binary += String.fromCharCode(bytes[i]);
    }
    return window.btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  function descriptors(list) {
    return (list || []).map(function (item) {
      return Object.assign({}, item, { id: toBytes(item.id) });
    });
  }

  function creationOptions(options) {
    return Object.assign({}, options, {
      challenge: toBytes(options.challenge),
      user: Object.assign({}, options.user, { id: toBytes(options.user.id) }),
      excludeCredentials: descriptors(options.excludeCredentials),
    });
  }

  function requestOptions(options) {
    return Object.assign({}, options, {
      challenge: toBytes(options.challenge),
      allowCredentials: descriptors(options.allowCredentials),
    });
  }

  function answer(credential) {
    var response = credential.response;
    var json = {
      id: credential.id,
      rawId: toText(credential.rawId),
      type: credential.type,
      authenticatorAttachment: credential.authenticatorAttachment || null,
      clientExtensionResults: credential.getClientExtensionResults(),
      response: { clientDataJSON: toText(response.clientDataJSON) },
    };
    if (response.attestationObject) {
      json.response.attestationObject = toText(response.attestationObject);
      json.response.transports = response.getTransports ? response.getTransports() : [];
    } else {
      json.response.authenticatorData = toText(response.authenticatorData);
      json.response.signature = toText(response.signature);
      json.response.userHandle = toText(response.userHandle);
    }
    return JSON.stringify(json);
  }

  function explain(error) {
    if (error && error.name === "NotAllowedError") {
      return "The key did not answer: the request was cancelled or timed out. Try again.";
    }
    if (error && error.name === "InvalidStateError") {
      return "This key is already registered.";
    }
    return "Your browser could not use the key. Try again, or use your authenticator app.";
  }

  function setUp(button) {
    var form = button.form;
    var status = document.getElementById(button.dataset.status);
    var source = document.getElementById(button.dataset.options);
    if (!form || !status || !source || !window.PublicKeyCredential || !navigator.credentials) {
      return;
    }
    var options = JSON.parse(source.textContent);
    var needed = button.dataset.needs ? document.getElementById(button.dataset.needs) : null;
    button.hidden = false;
    button.addEventListener("click", function () {
      if (needed && !needed.value.trim()) {
        status.textContent = "Fill in “" + form.querySelector("label[for='" + needed.id + "']").textContent.replace("*", "").trim() + "” first.";
        needed.focus();
        return;
      }
      button.disabled = true;
      status.textContent = "Touch your security key or confirm on your device…";
      var request = button.dataset.securityKey === "create"
        ? navigator.credentials.create({ publicKey: creationOptions(options) })
        : navigator.credentials.get({ publicKey: requestOptions(options) });
      request.then(function (credential) {
        form.elements.credential.value = answer(credential);
        status.textContent = "Checking…";
        form.submit();
      }).catch(function (error) {
        status.textContent = explain(error);
        button.disabled = false;
      });
    });
  }

  document.querySelectorAll("[data-security-key]").forEach(setUp);
})();
