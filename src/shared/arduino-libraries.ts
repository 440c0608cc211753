/**
 * How to install the Arduino libraries a generated sketch needs. The Deploy card and the generated
 * README both read this, so they never disagree.
 */

/** Arduino_TensorFlowLite is not in the Library Manager: it installs from the official repository as a ZIP. */
export const TFLM_ARDUINO_ZIP_URL = 'https://github.com/tensorflow/tflite-micro-arduino-examples'

export const TFLM_ARDUINO_INSTALL = `Install the TensorFlow Lite Micro library Arduino_TensorFlowLite (it is not in the Library Manager): download ${TFLM_ARDUINO_ZIP_URL} as a ZIP and use Sketch > Include Library > Add .ZIP Library.`

export function imuLibrary(rev: 'rev1' | 'rev2'): string {
  return rev === 'rev1' ? 'Arduino_LSM9DS1' : 'Arduino_BMI270_BMM150'
}
