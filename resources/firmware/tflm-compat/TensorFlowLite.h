// Stands in for the umbrella header of the Arduino TensorFlow Lite Micro library when the virtual
// board builds a sketch against a plain TFLM SDK: the sketch includes the TFLM headers it uses itself.
#ifndef MF_TFLM_COMPAT_TENSORFLOWLITE_H_
#define MF_TFLM_COMPAT_TENSORFLOWLITE_H_
#endif
