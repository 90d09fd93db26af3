// cbor-x skips native acceleration when this module gives nothing.
module.exports = null;
