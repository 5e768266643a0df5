// The recording page's audio worklet: hands each block of microphone samples
// (mono, the context's rate) to the page, which keeps them until "stop".
class MotcuaRecorder extends AudioWorkletProcessor {
  process(inputs) {
    const ch = inputs[0] && inputs[0][0];
    if (ch && ch.length) this.port.postMessage(ch.slice(0));
    return true;
  }
}
registerProcessor("motcua-recorder", MotcuaRecorder);
