import * as tf from '@tensorflow/tfjs'

type Initializer = ReturnType<typeof tf.initializers.glorotUniform>

export interface DepthwiseConv1DArgs {
  kernelSize: number
  depthMultiplier?: number
  strides?: number
  padding?: 'valid' | 'same'
  activation?: 'linear' | 'relu' | 'relu6'
  kernelInitializer?: Initializer
  name?: string
  inputShape?: number[]
}

/**
 * Keras' DepthwiseConv1D, which tfjs-layers lacks: kernel [kernelSize, channels, depthMultiplier]
 * (the ModelIR layout), run as a height-1 depthwiseConv2d. Registered for serialization so
 * model.json files that contain it load again.
 */
export class DepthwiseConv1D extends tf.layers.Layer {
  static className = 'DepthwiseConv1D'
  readonly kernelSize: number
  readonly depthMultiplier: number
  readonly strides: number
  readonly padding: 'valid' | 'same'
  readonly activation: 'linear' | 'relu' | 'relu6'
  private readonly kernelInit: Initializer
  private kernel: tf.LayerVariable | null = null
  private bias: tf.LayerVariable | null = null

  constructor(args: DepthwiseConv1DArgs) {
    super({ name: args.name, inputShape: args.inputShape })
    this.kernelSize = args.kernelSize
    this.depthMultiplier = args.depthMultiplier ?? 1
    this.strides = args.strides ?? 1
    this.padding = args.padding ?? 'valid'
    this.activation = args.activation ?? 'linear'
    this.kernelInit = args.kernelInitializer ?? tf.initializers.glorotUniform({})
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape
    const channels = shape[shape.length - 1] as number
    this.kernel = this.addWeight('kernel', [this.kernelSize, channels, this.depthMultiplier], 'float32', this.kernelInit)
    this.bias = this.addWeight('bias', [channels * this.depthMultiplier], 'float32', tf.initializers.zeros())
    this.built = true
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape
    const len = shape[1]
    const outLen = len === null ? null : this.padding === 'same' ? Math.ceil(len / this.strides) : Math.floor((len - this.kernelSize) / this.strides) + 1
    return [shape[0], outLen, (shape[2] as number) * this.depthMultiplier]
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor3D
      const k = this.kernel!.read() as tf.Tensor3D
      const y4 = tf.depthwiseConv2d(tf.expandDims(x, 1) as tf.Tensor4D, tf.expandDims(k, 0) as tf.Tensor4D, [1, this.strides], this.padding)
      const y = tf.add(tf.squeeze(y4, [1]), this.bias!.read())
      if (this.activation === 'relu') return tf.relu(y)
      if (this.activation === 'relu6') return tf.relu6(y)
      return y
    })
  }

  override getConfig(): tf.serialization.ConfigDict {
    return {
      ...super.getConfig(),
      kernelSize: this.kernelSize,
      depthMultiplier: this.depthMultiplier,
      strides: this.strides,
      padding: this.padding,
      activation: this.activation
    }
  }
}

tf.serialization.registerClass(DepthwiseConv1D)
