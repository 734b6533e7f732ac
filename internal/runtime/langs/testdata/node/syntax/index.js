exports.handler = async () => {
  return { ok: true
};
